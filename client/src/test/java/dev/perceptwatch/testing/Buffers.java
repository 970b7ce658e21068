package dev.perceptwatch.testing;

import java.nio.ByteBuffer;

/** Avro {@code bytes} fields arrive as ByteBuffers; tests compare arrays. */
public final class Buffers {
    private Buffers() {
    }

    /** The buffer's remaining bytes, without moving its position. */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
