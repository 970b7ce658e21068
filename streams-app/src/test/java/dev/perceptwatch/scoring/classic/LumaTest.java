package dev.perceptwatch.scoring.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

class LumaTest {

    /** The definition, MATLAB's rgb2gray on uint8: round half away from zero of the sum in R, G, B order. */
    private static long matlabRgb2gray(int r, int g, int b) {
        return Math.round(r * Luma.RED + g * Luma.GREEN + b * Luma.BLUE);
    }

    @Test
    void everyColourRoundsAsMatlabDoes() {
        for (int r = 0; r < 256; r++) {
            for (int g = 0; g < 256; g++) {
                for (int b = 0; b < 256; b++) {
                    if (Luma.of(r, g, b) != matlabRgb2gray(r, g, b)) {
                        fail("luma of (" + r + ", " + g + ", " + b + ") is " + Luma.of(r, g, b) + ", rgb2gray gives "
                                + matlabRgb2gray(r, g, b));
                    }
                }
            }
        }
    }

}
