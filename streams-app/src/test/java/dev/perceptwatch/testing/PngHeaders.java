package dev.perceptwatch.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** PNG files that are only a header, to test limits without allocating the pixels they claim. */
public final class PngHeaders {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private PngHeaders() {
    }

    /** PNG signature and an IHDR chunk (8-bit RGB) with a correct CRC, then nothing: no IDAT, no IEND. */
    public static byte[] headerOnly(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        byte[] type = "IHDR".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(header.array());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(SIGNATURE);
        png.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        png.writeBytes(type);
        png.writeBytes(header.array());
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return png.toByteArray();
    }
}
