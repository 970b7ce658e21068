package dev.perceptwatch.scoring.classic;

import java.util.Arrays;

/**
 * SSIM (Wang et al. 2004, {@code ssim_index.m}) and MS-SSIM (Wang et al. 2003, {@code msssim.m}) on
 * luma planes. 11x11 Gaussian window, sigma 1.5, normalised; K1 0.01, K2 0.03, L 255; 'valid'
 * filtering, so the SSIM map is (w-10)x(h-10); the score is the map's mean.
 *
 * <p>The window is separable, so each output row sums 11 input rows vertically (five running planes:
 * x, y, x^2, y^2, xy) and then 11 columns horizontally, using the window's symmetry to halve the
 * multiplications. Only five rows of doubles are allocated per call.
 */
final class Ssim {

    static final int WINDOW = 11;
    private static final int RADIUS = WINDOW / 2;
    private static final double[] GAUSSIAN = gaussianWindow(1.5);
    private static final double C1 = square(0.01 * 255);
    private static final double C2 = square(0.03 * 255);

    static final double[] MS_SSIM_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

    /** Mean of the SSIM map and mean of the contrast-structure map of one scale. */
    record Means(double ssim, double contrastStructure) {
    }

    private Ssim() {
    }

    static boolean fits(int width, int height) {
        return width >= WINDOW && height >= WINDOW;
    }

    /** SSIM and CS means of two same-sized luma planes at least 11x11. */
    static Means means(double[] x, double[] y, int width, int height) {
        int outWidth = width - 2 * RADIUS;
        int outHeight = height - 2 * RADIUS;
        double[] sx = new double[width];
        double[] sy = new double[width];
        double[] sxx = new double[width];
        double[] syy = new double[width];
        double[] sxy = new double[width];
        double ssimSum = 0;
        double csSum = 0;
        for (int outY = 0; outY < outHeight; outY++) {
            sumRowsVertically(x, y, width, outY, sx, sy, sxx, syy, sxy);
            for (int outX = 0; outX < outWidth; outX++) {
                double ux = horizontal(sx, outX);
                double uy = horizontal(sy, outX);
                double vx = horizontal(sxx, outX) - ux * ux;
                double vy = horizontal(syy, outX) - uy * uy;
                double vxy = horizontal(sxy, outX) - ux * uy;
                double luminanceNumerator = 2 * ux * uy + C1;
                double csNumerator = 2 * vxy + C2;
                double luminanceDenominator = ux * ux + uy * uy + C1;
                double csDenominator = vx + vy + C2;
                ssimSum += (luminanceNumerator * csNumerator) / (luminanceDenominator * csDenominator);
                csSum += csNumerator / csDenominator;
            }
        }
        double count = (double) outWidth * outHeight;
        return new Means(ssimSum / count, csSum / count);
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
    static Double multiScale(double[] x, double[] y, int width, int height, Means firstScale) {
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

    private static void sumRowsVertically(double[] x, double[] y, int width, int outY,
            double[] sx, double[] sy, double[] sxx, double[] syy, double[] sxy) {
        Arrays.fill(sx, 0);
        Arrays.fill(sy, 0);
        Arrays.fill(sxx, 0);
        Arrays.fill(syy, 0);
        Arrays.fill(sxy, 0);
        for (int k = 0; k < WINDOW; k++) {
            double g = GAUSSIAN[k];
            int row = (outY + k) * width;
            for (int j = 0; j < width; j++) {
                double a = x[row + j];
                double b = y[row + j];
                double ga = g * a;
                sx[j] += ga;
                sy[j] += g * b;
                sxx[j] += ga * a;
                syy[j] += g * b * b;
                sxy[j] += ga * b;
            }
        }
    }

    /** Window-weighted sum of {@code row[start .. start+10]}, pairing the symmetric taps. */
    private static double horizontal(double[] row, int start) {
        double[] g = GAUSSIAN;
        return g[0] * (row[start] + row[start + 10])
                + g[1] * (row[start + 1] + row[start + 9])
                + g[2] * (row[start + 2] + row[start + 8])
                + g[3] * (row[start + 3] + row[start + 7])
                + g[4] * (row[start + 4] + row[start + 6])
                + g[5] * row[start + 5];
    }

    /** 2x2 mean with stride 2; an odd last row/column pairs with itself. */
    private static double[] halve(double[] plane, int width, int height) {
        int halfWidth = (width + 1) / 2;
        int halfHeight = (height + 1) / 2;
        double[] half = new double[halfWidth * halfHeight];
        for (int hy = 0; hy < halfHeight; hy++) {
            int top = 2 * hy * width;
            int bottom = Math.min(2 * hy + 1, height - 1) * width;
            for (int hx = 0; hx < halfWidth; hx++) {
                int left = 2 * hx;
                int right = Math.min(2 * hx + 1, width - 1);
                half[hy * halfWidth + hx] =
                        (plane[top + left] + plane[top + right] + plane[bottom + left] + plane[bottom + right]) / 4;
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
