package dev.perceptwatch.scoring.classic;

import dev.perceptwatch.imaging.RgbImage;
import java.util.Set;

/**
 * MSE, PSNR, SSIM and MS-SSIM of a generated image against its reference. Stateless and thread-safe.
 * Conventions (luma, window, constants, scales, edge cases) are in docs/METRICS.md.
 */
public final class ClassicMetrics {

    private static final double PEAK_SQUARED = 255.0 * 255.0;

    private ClassicMetrics() {
    }

    /**
     * Computes the requested metrics of a same-sized pair, reading its samples once for all of them.
     *
     * @throws IllegalArgumentException when the sizes differ (align the pair first)
     */
    public static ClassicScores compute(RgbImage generated, RgbImage reference, Set<ClassicMetric> which) {
        if (generated.width() != reference.width() || generated.height() != reference.height()) {
            throw new IllegalArgumentException("classic metrics need same-sized images, got "
                    + generated.sizeText() + " and " + reference.sizeText());
        }
        boolean wantError = which.contains(ClassicMetric.MSE) || which.contains(ClassicMetric.PSNR);
        boolean wantSsim = which.contains(ClassicMetric.SSIM) && Ssim.fits(generated.width(), generated.height());
        boolean wantMsSsim = which.contains(ClassicMetric.MS_SSIM)
                && Ssim.fitsAllScales(generated.width(), generated.height());
        boolean wantLuma = wantSsim || wantMsSsim;
        if (!wantError && !wantLuma) {
            return new ClassicScores(null, null, null, null);
        }
        SamplePass samples = SamplePass.of(generated, reference, wantLuma);
        double error = samples.meanSquaredError();
        Double mse = which.contains(ClassicMetric.MSE) ? error : null;
        Double psnr = which.contains(ClassicMetric.PSNR) ? psnr(error) : null;
        Double ssim = null;
        Double msSsim = null;
        if (wantLuma) {
            float[] x = samples.generatedLuma();
            float[] y = samples.referenceLuma();
            Ssim.Means firstScale = wantSsim ? Ssim.means(x, y, generated.width(), generated.height()) : null;
            ssim = wantSsim ? firstScale.ssim() : null;
            msSsim = wantMsSsim ? Ssim.multiScale(x, y, generated.width(), generated.height(), firstScale) : null;
        }
        return new ClassicScores(mse, psnr, ssim, msSsim);
    }

    /** 10 log10(255^2 / mse); +Infinity when mse is 0 (identical images). */
    static double psnr(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(PEAK_SQUARED / mse);
    }
}
