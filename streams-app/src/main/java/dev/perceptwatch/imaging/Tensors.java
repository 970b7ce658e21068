package dev.perceptwatch.imaging;

import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;

/**
 * Writes images as float32 NCHW tensors in [-1, 1], the LPIPS input convention: {@code v / 127.5 - 1},
 * computed in double and rounded once to float, exactly as {@code lpips.im2tensor} (numpy float64, then
 * {@code torch.Tensor}).
 */
public final class Tensors {

    private static final float[] SCALED = scaledSamples();
    private static final int CHUNK = 4096;

    private Tensors() {
    }

    /** Floats one image occupies: 3 planes of width x height. */
    public static int floatCount(RgbImage image) {
        return 3 * image.pixelCount();
    }

    /**
     * Writes the image's three planes (R, G, B) at the buffer's position, which advances past them: a batch is
     * packed by writing its images in order.
     */
    public static void writeNchw(RgbImage image, FloatBuffer dest) {
        int pixels = image.pixelCount();
        if (dest.remaining() < 3L * pixels) {
            throw new BufferOverflowException();
        }
        // Through a small array and bulk puts, not a put per float, each of which checks the position and limit.
        float[] chunk = new float[Math.min(CHUNK, pixels)];
        for (int c = 0; c < 3; c++) {
            for (int from = 0; from < pixels; from += chunk.length) {
                int count = Math.min(chunk.length, pixels - from);
                scale(image.rgb(), c, from, count, chunk, 0);
                dest.put(chunk, 0, count);
            }
        }
    }

    /** Writes channel {@code c} of {@code count} pixels from pixel {@code from} on, scaled, at {@code out[at]}. */
    private static void scale(byte[] rgb, int c, int from, int count, float[] out, int at) {
        for (int i = 0, sample = 3 * from + c; i < count; i++, sample += 3) {
            out[at + i] = SCALED[rgb[sample] & 0xFF];
        }
    }

    private static float[] scaledSamples() {
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (float) (v / 127.5 - 1.0);
        }
        return table;
    }
}
