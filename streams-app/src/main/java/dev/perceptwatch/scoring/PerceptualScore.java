package dev.perceptwatch.scoring;

/**
 * The LPIPS result for one image pair.
 *
 * @param lpips the LPIPS v0.1 distance (model output {@code distance})
 * @param featureDistance the uncalibrated deep-feature distance (model output {@code feature_mse})
 * @param layerDistances the weighted term of each backbone layer; they sum to {@code lpips}
 * @param spatialMap the H*W distance map, row-major, or null unless it was asked for
 */
public record PerceptualScore(
        double lpips, double featureDistance, double[] layerDistances, float[] spatialMap, int width, int height) {
}
