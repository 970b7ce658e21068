package dev.perceptwatch.scoring;

import dev.perceptwatch.scoring.classic.ClassicScores;

/**
 * Every score of one pair; a metric that was not asked for, or is undefined for the size (MS-SSIM below
 * 161 pixels a side), is null.
 *
 * @param perceptual the LPIPS model's result, null when neither lpips nor feature_distance was asked for
 */
public record PairScores(PerceptualScore perceptual, ClassicScores classic, int width, int height) {

    public Double lpips() {
        return perceptual == null ? null : perceptual.lpips();
    }

    public Double featureDistance() {
        return perceptual == null ? null : perceptual.featureDistance();
    }

    /** The value of {@code metric}, as the {@link Metric} catalogue finds it. */
    public Double value(Metric metric) {
        return metric.valueIn(this);
    }
}
