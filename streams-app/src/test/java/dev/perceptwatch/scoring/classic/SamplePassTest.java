package dev.perceptwatch.scoring.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.perceptwatch.imaging.RgbImage;
import org.junit.jupiter.api.Test;

class SamplePassTest {

    // Pure red, green and blue, then white.
    private static final RgbImage PRIMARIES = new RgbImage(2, 2, new byte[] {
        (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255});
    // Black, then gray 10, 20 and 30.
    private static final RgbImage GRAYS = new RgbImage(2, 2, new byte[] {
        0, 0, 0, 10, 10, 10, 20, 20, 20, 30, 30, 30});

    @Test
    void lumaPlanesAreRowMajorAndReadTheChannelsInOrder() {
        SamplePass pass = SamplePass.of(PRIMARIES, GRAYS, true);
        // 0.2989 * 255 = 76.2, 0.5870 * 255 = 149.7, 0.1140 * 255 = 29.1; a gray's luma is its value.
        assertArrayEquals(new float[] {76, 150, 29, 255}, pass.generatedLuma());
        assertArrayEquals(new float[] {0, 10, 20, 30}, pass.referenceLuma());
    }

    @Test
    void errorIsTheMeanOverEverySampleWithOrWithoutLuma() {
        // Squared differences by hand: red (255-0)^2; green pixel (0-10)^2 + (255-10)^2 + (0-10)^2;
        // blue pixel 2 x (0-20)^2 + (255-20)^2; white 3 x (255-30)^2; over 12 samples.
        double expected = (65025.0 + (100 + 60025 + 100) + (400 + 400 + 55225) + 3 * 50625) / 12;
        assertEquals(expected, SamplePass.of(PRIMARIES, GRAYS, true).meanSquaredError());
        SamplePass errorOnly = SamplePass.of(PRIMARIES, GRAYS, false);
        assertEquals(expected, errorOnly.meanSquaredError());
        assertNull(errorOnly.generatedLuma());
        assertNull(errorOnly.referenceLuma());
    }
}
