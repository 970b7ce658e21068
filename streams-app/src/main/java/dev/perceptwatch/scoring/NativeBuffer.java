package dev.perceptwatch.scoring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A worker's native float buffer, reused across batches (ONNX Runtime reads direct buffers without a copy).
 * It grows to the batch that needs it and shrinks back once {@link #SHRINK_AFTER} batches in a row needed
 * at most half of it: grown only, one 4096 x 4096 pair would have kept about 400 MB per worker for good.
 * Not thread-safe: one per worker.
 */
final class NativeBuffer {
    /** Batches in a row that fit in half the buffer before it is replaced by one of the size they need. */
    static final int SHRINK_AFTER = 32;

    private FloatBuffer buffer = direct(0);
    private int smallInARow;

    /** The buffer, cleared, with room for {@code floats} floats and that limit. */
    FloatBuffer take(int floats) {
        if (buffer.capacity() < floats) {
            buffer = direct(floats);
            smallInARow = 0;
        } else if (floats <= buffer.capacity() / 2) {
            if (++smallInARow >= SHRINK_AFTER) {
                buffer = direct(floats);
                smallInARow = 0;
            }
        } else {
            smallInARow = 0;
        }
        buffer.clear().limit(floats);
        return buffer;
    }

    /** A direct float buffer in native order, as ONNX Runtime takes without a copy. */
    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }
}
