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

    public Double value(Metric metric) {
        return switch (metric) {
            case LPIPS -> lpips();
            case FEATURE_DISTANCE -> featureDistance();
            case MSE -> classic.mse();
            case PSNR -> classic.psnr();
            case SSIM -> classic.ssim();
            case MS_SSIM -> classic.msSsim();
        };
    }
}
