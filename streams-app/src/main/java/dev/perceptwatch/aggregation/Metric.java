package dev.perceptwatch.aggregation;

import dev.perceptwatch.events.QualityScore;

import java.util.Arrays;

/** The metrics of a {@link QualityScore}, with their wire names and which way is worse. */
public enum Metric {
    LPIPS("lpips", true),
    FEATURE_DISTANCE("feature_distance", true),
    MSE("mse", true),
    PSNR("psnr", false),
    SSIM("ssim", false),
    MS_SSIM("ms_ssim", false);

    private final String wireName;
    private final boolean higherIsWorse;

    Metric(String wireName, boolean higherIsWorse) {
        this.wireName = wireName;
        this.higherIsWorse = higherIsWorse;
    }

    /** The name used in Avro records, settings and alerts, e.g. {@code ms_ssim}. */
    public String wireName() {
        return wireName;
    }

    /** True for distances (LPIPS, feature distance, MSE), false for similarities (PSNR, SSIM, MS-SSIM). */
    public boolean higherIsWorse() {
        return higherIsWorse;
    }

    /**
     * SSIM and MS-SSIM live in [-1, 1] and cluster just below 1, where a relative-accuracy sketch is
     * coarsest in absolute terms (1% of 0.95 is 0.0095). Sketching {@code 1 - value} instead puts the
     * sketch's relative accuracy on the distance from a perfect score.
     */
    boolean sketchesComplement() {
        return this == SSIM || this == MS_SSIM;
    }

    /** The value of this metric in a score, or null when the scorer did not compute it. */
    public Double valueIn(QualityScore score) {
        return switch (this) {
            case LPIPS -> score.getLpips();
            case FEATURE_DISTANCE -> score.getFeatureDistance();
            case MSE -> score.getMse();
            case PSNR -> score.getPsnr();
            case SSIM -> score.getSsim();
            case MS_SSIM -> score.getMsSsim();
        };
    }

    public static Metric fromWireName(String name) {
        return Arrays.stream(values())
                .filter(m -> m.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown metric '" + name + "'; expected one of "
                        + Arrays.stream(values()).map(Metric::wireName).toList()));
    }
}
