package dev.perceptwatch.scoring.classic;

/**
 * SSIM (Wang et al. 2004, {@code ssim_index.m}) and MS-SSIM (Wang et al. 2003, {@code msssim.m}) on
 * luma planes. 11x11 Gaussian window, sigma 1.5, normalised; K1 0.01, K2 0.03, L 255; 'valid'
 * filtering, so the SSIM map is (w-10)x(h-10); the score is the map's mean.
 *
 * <p>The window is separable, so each output row sums 11 input rows vertically and then 11 columns
 * horizontally, pairing the window's symmetric taps to halve the multiplications. Four planes are filtered:
 * x, y, x^2 + y^2 and xy (the two variances only ever appear summed, so their planes are filtered as one).
 * The planes of the last 11 input rows live in a ring, so each input row's products are computed once, not
 * 11 times. Both passes sum 11 rows at equal indices, the form the JIT vectorises: the vertical pass the
 * ring's rows, the horizontal pass ten shifted copies of its input. A call allocates 4 x 11 + 20 rows of
 * doubles, never a whole plane; luma planes are floats, which hold every value here exactly.
 */
final class Ssim {

    static final int WINDOW = 11;
    private static final int X = 0;
    private static final int Y = 1;
    private static final int SQUARES = 2;
    private static final int XY = 3;
    private static final int PLANES = 4;
    private static final int RADIUS = WINDOW / 2;
    private static final double[] GAUSSIAN = gaussianWindow(1.5);
    // The symmetric taps: tap k and tap 10 - k are equal, G5 is the centre.
    private static final double G0 = GAUSSIAN[0];
    private static final double G1 = GAUSSIAN[1];
    private static final double G2 = GAUSSIAN[2];
    private static final double G3 = GAUSSIAN[3];
    private static final double G4 = GAUSSIAN[4];
    private static final double G5 = GAUSSIAN[5];
    private static final double C1 = square(0.01 * 255);
    private static final double C2 = square(0.03 * 255);

    private static final double[] MS_SSIM_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

    /** Mean of the SSIM map and mean of the contrast-structure map of one scale. */
    record Means(double ssim, double contrastStructure) {
    }

    private Ssim() {
    }

    static boolean fits(int width, int height) {
        return width >= WINDOW && height >= WINDOW;
    }

    /** SSIM and CS means of two same-sized luma planes at least 11x11. */
    static Means means(float[] x, float[] y, int width, int height) {
        int outWidth = width - 2 * RADIUS;
        int outHeight = height - 2 * RADIUS;
        double[][][] ring = new double[PLANES][WINDOW][width];
        double[][] vertical = new double[PLANES][width];
        double[][] filtered = new double[PLANES][outWidth];
        double[] ssimRow = new double[outWidth];
        double[] csRow = new double[outWidth];
        double[][] shifted = shiftedRows(outWidth);
        for (int row = 0; row < WINDOW - 1; row++) {
            fillRing(x, y, width, row, ring);
        }
        double ssimSum = 0;
        double csSum = 0;
        for (int outY = 0; outY < outHeight; outY++) {
            fillRing(x, y, width, outY + WINDOW - 1, ring);
            for (int plane = 0; plane < PLANES; plane++) {
                sumWindow(ring[plane], outY, vertical[plane]);
                sumHorizontally(vertical[plane], shifted, filtered[plane]);
            }
            mapRow(filtered, ssimRow, csRow);
            for (int outX = 0; outX < outWidth; outX++) {
                ssimSum += ssimRow[outX];
                csSum += csRow[outX];
            }
        }
        double count = (double) outWidth * outHeight;
        return new Means(ssimSum / count, csSum / count);
    }

    /**
     * One row of the SSIM and CS maps from the filtered planes. Kept apart from the sums, which the JIT may not
     * vectorise (that would reorder floating-point additions), so that this loop can be.
     */
    private static void mapRow(double[][] filtered, double[] ssimRow, double[] csRow) {
        double[] ux = filtered[X];
        double[] uy = filtered[Y];
        double[] uSquares = filtered[SQUARES];
        double[] uxy = filtered[XY];
        for (int outX = 0; outX < ssimRow.length; outX++) {
            double mx = ux[outX];
            double my = uy[outX];
            double luminanceNumerator = 2 * mx * my + C1;
            double csNumerator = 2 * (uxy[outX] - mx * my) + C2;
            double luminanceDenominator = mx * mx + my * my + C1;
            double csDenominator = uSquares[outX] - (mx * mx + my * my) + C2;
            // One division for both ratios: divisions are the slowest step here.
            double reciprocal = 1 / (luminanceDenominator * csDenominator);
            ssimRow[outX] = luminanceNumerator * csNumerator * reciprocal;
            csRow[outX] = csNumerator * luminanceDenominator * reciprocal;
        }
    }

    /**
     * MS-SSIM over five scales: the product of CS means at scales 1-4 and the SSIM mean (luminance x CS,
     * per pixel) at scale 5, each raised to its weight after clamping negatives to 0 (as
     * tf.image.ssim_multiscale and pytorch_msssim do; the MATLAB original would go complex). Between scales
     * both planes are 2x2-averaged and subsampled like {@code msssim.m} (imfilter 'symmetric', then
     * 1:2:end): an odd last row or column is averaged with itself, so sizes become ceil(n/2).
     *
     * @param firstScale the scale-1 means when the caller already has them, else null
     * @return null when a scale would be smaller than the window (smallest side below 161)
     */
    static Double multiScale(float[] x, float[] y, int width, int height, Means firstScale) {
        if (!fitsAllScales(width, height)) {
            return null;
        }
        double product = 1;
        for (int scale = 0; scale < MS_SSIM_WEIGHTS.length; scale++) {
            Means means = scale == 0 && firstScale != null ? firstScale : means(x, y, width, height);
            boolean last = scale == MS_SSIM_WEIGHTS.length - 1;
            double factor = last ? means.ssim() : means.contrastStructure();
            product *= Math.pow(Math.max(0, factor), MS_SSIM_WEIGHTS[scale]);
            if (!last) {
                x = halve(x, width, height);
                y = halve(y, width, height);
                width = (width + 1) / 2;
                height = (height + 1) / 2;
            }
        }
        return product;
    }

    static boolean fitsAllScales(int width, int height) {
        for (int scale = 1; scale < MS_SSIM_WEIGHTS.length; scale++) {
            width = (width + 1) / 2;
            height = (height + 1) / 2;
        }
        return fits(width, height);
    }

    /** Puts input row {@code row}'s x, y, x^2 + y^2 and xy into the ring slot {@code row % 11}. */
    private static void fillRing(float[] x, float[] y, int width, int row, double[][][] ring) {
        int slot = row % WINDOW;
        int from = row * width;
        double[] rx = ring[X][slot];
        double[] ry = ring[Y][slot];
        double[] rSquares = ring[SQUARES][slot];
        double[] rxy = ring[XY][slot];
        for (int j = 0; j < width; j++) {
            double a = x[from + j];
            double b = y[from + j];
            rx[j] = a;
            ry[j] = b;
            rSquares[j] = a * a + b * b;
            rxy[j] = a * b;
        }
    }

    /**
     * {@code out[j]} = window-weighted sum of {@code rows[first % 11 .. (first + 10) % 11]} at column j, in the
     * window's order.
     */
    private static void sumWindow(double[][] rows, int first, double[] out) {
        double[] r0 = rows[first % WINDOW];
        double[] r1 = rows[(first + 1) % WINDOW];
        double[] r2 = rows[(first + 2) % WINDOW];
        double[] r3 = rows[(first + 3) % WINDOW];
        double[] r4 = rows[(first + 4) % WINDOW];
        double[] r5 = rows[(first + 5) % WINDOW];
        double[] r6 = rows[(first + 6) % WINDOW];
        double[] r7 = rows[(first + 7) % WINDOW];
        double[] r8 = rows[(first + 8) % WINDOW];
        double[] r9 = rows[(first + 9) % WINDOW];
        double[] r10 = rows[(first + 10) % WINDOW];
        // Two loops, not one: C2 (JDK 17) vectorises each half but not the whole, and runs them together about
        // 3.5 times faster. The sum is still taken left to right, in the window's order.
        for (int j = 0; j < out.length; j++) {
            out[j] = G0 * (r0[j] + r10[j]) + G1 * (r1[j] + r9[j]) + G2 * (r2[j] + r8[j]);
        }
        for (int j = 0; j < out.length; j++) {
            out[j] = out[j] + G3 * (r3[j] + r7[j]) + G4 * (r4[j] + r6[j]) + G5 * r5[j];
        }
    }

    /**
     * {@code out[i]} = window-weighted sum of {@code row[i .. i+10]}. C2 (JDK 17) vectorises a loop only when
     * all its array accesses share one offset from the index, which {@code row[i + k]} do not; so the row is
     * copied ten times, each copy shifted one further left ({@code System.arraycopy}), and the copies are summed
     * at equal indices like the ring's rows. Copies and sums take 60% of the time of the one scalar loop over
     * {@code row[i .. i+10]} (356 against 610 ns per 256-wide row in a stand-alone timing), with the same sums.
     *
     * @param shifted from {@link #shiftedRows}; row 0 is set to {@code row}
     */
    private static void sumHorizontally(double[] row, double[][] shifted, double[] out) {
        shifted[0] = row;
        for (int k = 1; k < WINDOW; k++) {
            System.arraycopy(row, k, shifted[k], 0, out.length);
        }
        sumWindow(shifted, 0, out);
    }

    /** Room for {@link #sumHorizontally}'s ten copies; row 0 is the input row itself. */
    private static double[][] shiftedRows(int width) {
        double[][] shifted = new double[WINDOW][];
        for (int k = 1; k < WINDOW; k++) {
            shifted[k] = new double[width];
        }
        return shifted;
    }

    /**
     * 2x2 mean with stride 2; an odd last row/column pairs with itself. Exact in float: luma starts as integers
     * up to 255, and four halvings need at most 8 more bits.
     */
    private static float[] halve(float[] plane, int width, int height) {
        int halfWidth = (width + 1) / 2;
        int halfHeight = (height + 1) / 2;
        int fullPairs = width / 2;
        float[] half = new float[halfWidth * halfHeight];
        for (int hy = 0; hy < halfHeight; hy++) {
            int top = 2 * hy * width;
            int bottom = Math.min(2 * hy + 1, height - 1) * width;
            int out = hy * halfWidth;
            for (int hx = 0; hx < fullPairs; hx++) {
                int left = 2 * hx;
                half[out + hx] = (plane[top + left] + plane[top + left + 1] + plane[bottom + left]
                        + plane[bottom + left + 1]) / 4;
            }
            if (fullPairs < halfWidth) {
                int last = width - 1;
                half[out + fullPairs] = (plane[top + last] + plane[bottom + last]) / 2;
            }
        }
        return half;
    }

    private static double[] gaussianWindow(double sigma) {
        double[] window = new double[WINDOW];
        double total = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - RADIUS;
            window[i] = Math.exp(-(d * d) / (2 * sigma * sigma));
            total += window[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            window[i] /= total;
        }
        return window;
    }

    private static double square(double v) {
        return v * v;
    }
}
