package dev.perceptwatch.drift;

import dev.perceptwatch.scoring.Metric;

/** Which way a metric moves when quality gets worse. */
public enum Direction {
    UP_IS_WORSE,
    DOWN_IS_WORSE;

    /** LPIPS, feature distance and MSE: up is worse; SSIM, MS-SSIM and PSNR: down is worse. */
    public static Direction defaultFor(Metric metric) {
        return metric.higherIsWorse() ? UP_IS_WORSE : DOWN_IS_WORSE;
    }

    /** How far {@code observed} lies on the bad side of {@code reference} (negative: better). */
    double badShift(double observed, double reference) {
        return this == UP_IS_WORSE ? observed - reference : reference - observed;
    }
}
