package dev.perceptwatch.drift;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Turns a shift measured in standard errors estimated from W warm-up windows into the standard normal
 * deviate with the same tail probability. The spread of window means (and of window p90s) is measured from
 * W windows, so a normal window's shift divided by it follows Student's t with W - 1 degrees of freedom, not
 * the normal law: with 9 warm-up windows, 5 standard errors happen about 300 times as often as the normal
 * law says. Calibrated, a threshold means the same false-alarm rate whatever the warm-up length.
 */
final class Calibration {

    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);
    /** Beyond it the tail underflows; the shift is then far past any threshold anyway. */
    private static final double SMALLEST_TAIL = 1e-300;
    /** The CUSUM slack covers the baseline's own error out to this many of that error's standard errors. */
    private static final double BASELINE_ERRORS_COVERED = 5.0;

    private Calibration() {
    }

    /**
     * The standard normal deviate of a t statistic with {@code warmupWindows - 1} degrees of freedom,
     * keeping its sign.
     */
    static double z(double t, int warmupWindows) {
        if (!Double.isFinite(t) || t == 0) {
            return t;
        }
        double tail = TDistribution.of(warmupWindows - 1).survivalProbability(Math.abs(t));
        double z = tail < SMALLEST_TAIL ? Math.abs(t) : NORMAL.inverseSurvivalProbability(tail);
        return Math.copySign(Math.min(z, Math.abs(t)), t);
    }

    /**
     * How much wider than one window's standard error the difference from a baseline is: the baseline is
     * itself the average of W windows, so the difference has the variance of one window and 1/W of one.
     */
    static double predictionFactor(int warmupWindows) {
        return Math.sqrt(1 + 1.0 / warmupWindows);
    }

    /**
     * The CUSUM slack per window: k, or more after a short warm-up. Every window is measured against the same
     * baseline, whose own error (1/sqrt(W) standard errors of a window) is in every window's shift alike; a sum
     * of windows collects it window after window, which no calibration of one window's shift covers. The slack
     * covers it out to five of its standard errors: 5/sqrt(W), above k = 1 only for warm-ups under 25 windows.
     */
    static double cusumSlack(double reference, int warmupWindows) {
        return Math.max(reference, BASELINE_ERRORS_COVERED / Math.sqrt(warmupWindows));
    }
}
