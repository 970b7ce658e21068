package dev.perceptwatch.aggregation;

import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.Metric;

/** What aggregation needs to know about each {@link Metric}: where its value is and which way is worse. */
public final class ScoreValues {

    private ScoreValues() {
    }

    /** The value of the metric in a score, or null when the scorer did not compute it. */
    public static Double valueIn(Metric metric, QualityScore score) {
        return switch (metric) {
            case LPIPS -> score.getLpips();
            case FEATURE_DISTANCE -> score.getFeatureDistance();
            case MSE -> score.getMse();
            case PSNR -> score.getPsnr();
            case SSIM -> score.getSsim();
            case MS_SSIM -> score.getMsSsim();
        };
    }

    /** True for distances (LPIPS, feature distance, MSE), false for similarities (PSNR, SSIM, MS-SSIM). */
    public static boolean higherIsWorse(Metric metric) {
        return switch (metric) {
            case LPIPS, FEATURE_DISTANCE, MSE -> true;
            case PSNR, SSIM, MS_SSIM -> false;
        };
    }

    /**
     * SSIM and MS-SSIM live in [-1, 1] and cluster just below 1, where a relative-accuracy sketch is
     * coarsest in absolute terms (1% of 0.95 is 0.0095). Sketching {@code 1 - value} instead puts the
     * sketch's relative accuracy on the distance from a perfect score.
     */
    static boolean sketchesComplement(Metric metric) {
        return metric == Metric.SSIM || metric == Metric.MS_SSIM;
    }
}
