package dev.perceptwatch.scoring.classic;

/**
 * MATLAB {@code rgb2gray} for uint8 input: {@code round(Kr R + Kg G + Kb B)}, summed in that order in
 * double, ties away from zero. The coefficients are MATLAB's exact ones (the first row of the inverse
 * NTSC YIQ matrix); 0.2989 / 0.5870 / 0.1140 is how its documentation prints them. The planes are made by
 * {@link SamplePass}, held as floats (integers 0-255, exactly) for the SSIM arithmetic.
 */
final class Luma {

    static final double RED = 0.298936021293775;
    static final double GREEN = 0.587043074451121;
    static final double BLUE = 0.114020904255103;

    private static final double[] RED_TERMS = terms(RED);
    private static final double[] GREEN_TERMS = terms(GREEN);
    private static final double[] BLUE_TERMS = terms(BLUE);

    private Luma() {
    }

    /**
     * The luma of one colour. Rounds by truncating {@code v + 0.5}, one conversion instead of
     * {@code Math.round}'s bit arithmetic: exact for non-negative v unless the addition itself rounds up to an
     * integer, which only 0.5 - 2^-54 does. No colour sums to that; LumaTest checks all 2^24 colours against
     * {@code Math.round}.
     */
    static int of(int red, int green, int blue) {
        return (int) (RED_TERMS[red] + GREEN_TERMS[green] + BLUE_TERMS[blue] + 0.5);
    }

    private static double[] terms(double coefficient) {
        double[] table = new double[256];
        for (int v = 0; v < 256; v++) {
            table[v] = v * coefficient;
        }
        return table;
    }
}
