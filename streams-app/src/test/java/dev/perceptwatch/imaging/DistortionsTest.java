package dev.perceptwatch.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.testing.SharedFiles;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DistortionsTest {

    private static RgbImage chelsea;

    @BeforeAll
    static void decode() throws Exception {
        chelsea = ImageDecoder.decode(SharedFiles.imageBytes("chelsea.png"), "chelsea.png", ImageLimits.defaults());
    }

    @Test
    void noiseIsDeterministicPerSeed() {
        byte[] first = Distortions.addGaussianNoise(chelsea, 10, 1).rgb();
        assertArrayEquals(first, Distortions.addGaussianNoise(chelsea, 10, 1).rgb());
        assertFalse(Arrays.equals(first, Distortions.addGaussianNoise(chelsea, 10, 2).rgb()));
    }

    @Test
    void colourShiftAddsPerChannelAndClamps() {
        RgbImage pixel = new RgbImage(1, 1, new byte[] {(byte) 250, 5, 100});
        assertArrayEquals(new byte[] {(byte) 255, 0, 110}, Distortions.colourShift(pixel, 10, -10, 10).rgb());
    }

    @Test
    void blurKeepsAFlatImageFlat() {
        RgbImage flat = TestImages.uniform(9, 7, 3, 140, 250);
        assertArrayEquals(flat.rgb(), Distortions.gaussianBlur(flat, 2.5).rgb());
    }

    /** A single bright pixel spreads symmetrically and the total light is kept (within rounding). */
    @Test
    void blurSpreadsSymmetrically() {
        byte[] rgb = new byte[21 * 21 * 3];
        rgb[(10 * 21 + 10) * 3] = (byte) 255;
        RgbImage blurred = Distortions.gaussianBlur(new RgbImage(21, 21, rgb), 1.0);
        assertEquals(blurred.sample(9, 10, 0), blurred.sample(11, 10, 0));
        assertEquals(blurred.sample(10, 9, 0), blurred.sample(10, 11, 0));
        assertTrue(blurred.sample(10, 10, 0) > blurred.sample(11, 10, 0));
        long total = 0;
        for (int i = 0; i < blurred.rgb().length; i += 3) {
            total += blurred.rgb()[i] & 0xFF;
        }
        assertTrue(Math.abs(total - 255) <= 25, "total " + total);
    }

    @Test
    void pngRoundTripIsLossless() throws Exception {
        RgbImage decoded = ImageDecoder.decode(ImageEncoder.png(chelsea), "again.png", ImageLimits.defaults());
        assertEquals(chelsea.width(), decoded.width());
        assertArrayEquals(chelsea.rgb(), decoded.rgb());
    }

    @Test
    void lowQualityJpegChangesPixelsButKeepsTheSize() {
        RgbImage jpeg = Distortions.jpegReencode(chelsea, 10);
        assertEquals(chelsea.width(), jpeg.width());
        assertEquals(chelsea.height(), jpeg.height());
        assertFalse(Arrays.equals(chelsea.rgb(), jpeg.rgb()));
        assertArrayEquals(jpeg.rgb(), Distortions.jpegReencode(chelsea, 10).rgb());
    }
}
