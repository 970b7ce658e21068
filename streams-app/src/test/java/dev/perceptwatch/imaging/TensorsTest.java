package dev.perceptwatch.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorsTest {

    /** lpips.im2tensor: (v / 127.5 - 1) in float64, then float32; 128 -> 0.003921568627450966. */
    @Test
    void scalesLikeLpipsIm2tensor() {
        RgbImage pixel = new RgbImage(1, 1, new byte[] {0, (byte) 128, (byte) 255});
        assertArrayEquals(new float[] {-1f, (float) 0.003921568627450966, 1f}, toNchw(pixel));
    }

    /** 2x1 image: planes R, G, B, each in row-major order. */
    @Test
    void writesPlanesInNchwOrder() {
        RgbImage image = new RgbImage(2, 1, new byte[] {0, 51, 102, (byte) 153, (byte) 204, (byte) 255});
        float[] tensor = toNchw(image);
        assertArrayEquals(new float[] {scaled(0), scaled(153), scaled(51), scaled(204), scaled(102), scaled(255)},
                tensor);
    }

    @Test
    void packsSeveralImagesOneAfterAnother() {
        RgbImage black = TestImages.uniform(3, 2, 0, 0, 0);
        RgbImage white = TestImages.uniform(3, 2, 255, 255, 255);
        int each = Tensors.floatCount(black);
        float[] batch = new float[2 * each];
        FloatBuffer buffer = FloatBuffer.wrap(batch);
        Tensors.writeNchw(black, buffer);
        Tensors.writeNchw(white, buffer);
        for (int i = 0; i < each; i++) {
            assertEquals(-1f, batch[i]);
            assertEquals(1f, batch[each + i]);
        }
    }

    /** The batcher's path: images written one after another into one (direct) buffer. */
    @Test
    void writesIntoADirectBuffer() {
        RgbImage first = new RgbImage(2, 1, new byte[] {0, 51, 102, (byte) 153, (byte) 204, (byte) 255});
        RgbImage second = new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        FloatBuffer buffer = ByteBuffer.allocateDirect(12 * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        Tensors.writeNchw(first, buffer);
        Tensors.writeNchw(second, buffer);
        assertEquals(0, buffer.remaining());
        float[] written = new float[12];
        buffer.flip().get(written);
        float[] expected = {scaled(0), scaled(153), scaled(51), scaled(204), scaled(102), scaled(255),
            scaled(1), scaled(4), scaled(2), scaled(5), scaled(3), scaled(6)};
        assertArrayEquals(expected, written);
        assertThrows(BufferOverflowException.class, () -> Tensors.writeNchw(first, FloatBuffer.allocate(5)));
    }

    /** 100x50 = 5000 pixels per plane: more than the writer's 4096-float staging array, in two pieces. */
    @Test
    void writesImagesLargerThanItsStagingArray() {
        byte[] rgb = new byte[100 * 50 * 3];
        new Random(7).nextBytes(rgb);
        RgbImage image = new RgbImage(100, 50, rgb);
        FloatBuffer buffer = FloatBuffer.allocate(Tensors.floatCount(image) + 1);
        buffer.put(42f);
        Tensors.writeNchw(image, buffer);
        float[] written = new float[Tensors.floatCount(image)];
        buffer.flip().position(1);
        buffer.get(written);
        float[] expected = new float[written.length];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 5000; p++) {
                expected[c * 5000 + p] = scaled(rgb[3 * p + c] & 0xFF);
            }
        }
        assertArrayEquals(expected, written);
        assertEquals(scaled(rgb[3 * 4999 + 2] & 0xFF), written[written.length - 1]);
    }

    @Test
    void refusesABufferTooSmall() {
        RgbImage image = TestImages.uniform(3, 2, 0, 0, 0);
        FloatBuffer buffer = FloatBuffer.allocate(18).position(1);
        assertThrows(BufferOverflowException.class, () -> Tensors.writeNchw(image, buffer));
        assertEquals(1, buffer.position(), "nothing was written");
    }

    /** The tensor of one image, written as the batcher writes its batches. */
    private static float[] toNchw(RgbImage image) {
        float[] tensor = new float[Tensors.floatCount(image)];
        Tensors.writeNchw(image, FloatBuffer.wrap(tensor));
        return tensor;
    }

    private static float scaled(int v) {
        return (float) (v / 127.5 - 1.0);
    }
}
