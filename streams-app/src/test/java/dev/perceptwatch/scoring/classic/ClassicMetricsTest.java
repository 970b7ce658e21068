package dev.perceptwatch.scoring.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.testing.SharedFiles;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassicMetricsTest {

    private static final Set<ClassicMetric> ALL = EnumSet.allOf(ClassicMetric.class);

    @Test
    void identicalImagesScorePerfectly() throws Exception {
        RgbImage astronaut = ImageDecoder.decode(SharedFiles.imageBytes("astronaut.png"), "astronaut.png",
                ImageLimits.defaults());
        RgbImage copy = new RgbImage(512, 512, astronaut.rgb().clone());
        ClassicScores scores = ClassicMetrics.compute(astronaut, copy, ALL);
        assertEquals(0.0, scores.mse());
        assertEquals(Double.POSITIVE_INFINITY, scores.psnr());
        assertEquals(1.0, scores.ssim());
        assertEquals(1.0, scores.msSsim());
    }

    /** 2x2 black against one full-red pixel: 1 of 12 samples differs by 255, MSE 255^2/12, PSNR 10 log10(12). */
    @Test
    void mseAndPsnrByHand() {
        RgbImage black = filled(2, 2, 0);
        byte[] oneRed = new byte[12];
        oneRed[0] = (byte) 255;
        ClassicScores scores = ClassicMetrics.compute(black, new RgbImage(2, 2, oneRed),
                EnumSet.of(ClassicMetric.MSE, ClassicMetric.PSNR));
        assertEquals(5418.75, scores.mse());
        assertEquals(10.791812460476248, scores.psnr(), 1e-12);
        assertNull(scores.ssim());
        assertNull(scores.msSsim());
    }

    /** Every sample off by 3: MSE 9, PSNR 20 log10(255 / 3) = 38.588378514285... dB. */
    @Test
    void uniformOffsetGivesTheTextbookPsnr() {
        ClassicScores scores = ClassicMetrics.compute(filled(5, 4, 100), filled(5, 4, 103),
                EnumSet.of(ClassicMetric.PSNR));
        assertNull(scores.mse());
        assertEquals(38.58837851428595, scores.psnr(), 1e-12);
    }

    /** Noise against its negative: structure anti-correlated, SSIM < 0, and MS-SSIM clamps the factor to 0. */
    @Test
    void anticorrelatedImagesGiveNegativeSsimAndZeroMsSsim() {
        byte[] noise = new byte[200 * 200 * 3];
        new Random(3).nextBytes(noise);
        byte[] negative = new byte[noise.length];
        for (int i = 0; i < noise.length; i++) {
            negative[i] = (byte) (255 - (noise[i] & 0xFF));
        }
        ClassicScores scores = ClassicMetrics.compute(new RgbImage(200, 200, noise),
                new RgbImage(200, 200, negative), ALL);
        assertTrue(scores.ssim() < -0.5, "ssim " + scores.ssim());
        assertEquals(0.0, scores.msSsim());
    }

    /** Halving keeps ceil(n/2): 161 -> 81 -> 41 -> 21 -> 11 fits the window at scale 5, 160 -> ... -> 10 does not. */
    @Test
    void sizesTooSmallGiveNullNotAnError() {
        assertEquals(1.0, ClassicMetrics.compute(filled(161, 161, 9), filled(161, 161, 9), ALL).msSsim(),
                "identical images: 1 at every scale");
        ClassicScores small = ClassicMetrics.compute(filled(200, 160, 9), filled(200, 160, 9), ALL);
        assertNull(small.msSsim());
        assertEquals(1.0, small.ssim());
        ClassicScores tiny = ClassicMetrics.compute(filled(10, 30, 9), filled(10, 30, 8), ALL);
        assertNull(tiny.ssim());
        assertNull(tiny.msSsim());
        assertEquals(1.0, tiny.mse(), "every sample differs by 1");
    }

    @Test
    void differentSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassicMetrics.compute(filled(4, 4, 0), filled(4, 5, 0), ALL));
        assertTrue(e.getMessage().contains("4x4 and 4x5"), e.getMessage());
    }

    private static RgbImage filled(int width, int height, int value) {
        byte[] rgb = new byte[width * height * 3];
        Arrays.fill(rgb, (byte) value);
        return new RgbImage(width, height, rgb);
    }
}
