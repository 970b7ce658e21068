package dev.perceptwatch.drift;

import java.util.EnumSet;
import java.util.Set;

/**
 * Detector knobs for one metric. Relative changes are fractions of the baseline value (0.03 = 3%), always
 * measured in the bad {@link Direction}.
 *
 * @param direction              which way is worse
 * @param detectors              the detectors whose breaches count (OR)
 * @param effectSizeZ            effect size: window mean shift, in standard errors of a window mean
 * @param twoWindowZ             two-window: (z of the previous window + z of this one) / sqrt(2), the shift of
 *                               the two windows together in standard errors
 * @param minRelativeChange      effect size, two-window and CUSUM: smallest relative shift of the mean
 *                               worth an alert, so that big windows do not alarm on trivial shifts
 * @param cusumReference         CUSUM reference k (slack per window, standard errors)
 * @param cusumDecision          CUSUM decision interval h
 * @param cusumHeadroom          the CUSUM sum is capped at h + headroom, so that an ended shift clears
 *                               within about headroom / k windows instead of as long as it lasted
 * @param p90RelativeChange      p90 shift: smallest relative change of the window p90 worth an alert (a
 *                               floor against trivial shifts, as minRelativeChange is for the mean)
 * @param p90Z                   p90 shift: window p90 shift, in standard errors of a window p90
 * @param meanSquareZ            mean square: shift of the log of the window's mean square without its worst
 *                               score, in standard errors of that statistic (log-scale metrics only)
 * @param naiveRelativeChange    naive threshold: relative change of the window mean that breaches
 * @param criticalRelativeChange a breach is CRITICAL, and fires at once instead of after k windows, when its
 *                               relative change (mean, p90 for p90-shift, root mean square for mean-square)
 *                               reaches this ...
 * @param criticalZ              ... and its calibrated shift is at least this many standard errors
 * @param logScale               judge the window mean and p90 (effect size, two-window, CUSUM, p90 shift) as
 *                               z of their log against the warm-up windows' logs (mean and spread), for
 *                               up-is-worse metrics with a baseline that measured them; otherwise linearly.
 *                               Window statistics of right-skewed scores have a right-skewed law, which the
 *                               log makes nearly normal; on a tidy stream (small CV of window means) the
 *                               log is nearly linear and changes little. The mean-square detector judges
 *                               on the log scale only
 */
public record MetricDriftSettings(Direction direction, Set<DetectorKind> detectors, double effectSizeZ,
                                  double twoWindowZ, double minRelativeChange, double cusumReference,
                                  double cusumDecision, double cusumHeadroom, double p90RelativeChange,
                                  double p90Z, double meanSquareZ, double naiveRelativeChange,
                                  double criticalRelativeChange, double criticalZ, boolean logScale) {

    /** The detector set shipped by default; the naive threshold is for comparison only. */
    public static final Set<DetectorKind> DEFAULT_DETECTORS =
            Set.copyOf(EnumSet.of(DetectorKind.EFFECT_SIZE, DetectorKind.TWO_WINDOW, DetectorKind.CUSUM,
                    DetectorKind.P90_SHIFT, DetectorKind.MEAN_SQUARE));

    public MetricDriftSettings {
        if (detectors.isEmpty()) {
            throw new IllegalArgumentException("at least one detector must be enabled");
        }
        detectors = Set.copyOf(detectors);
        requirePositive("effectSizeZ", effectSizeZ);
        requirePositive("twoWindowZ", twoWindowZ);
        requireNonNegative("minRelativeChange", minRelativeChange);
        requireNonNegative("cusumReference", cusumReference);
        requirePositive("cusumDecision", cusumDecision);
        requireNonNegative("cusumHeadroom", cusumHeadroom);
        requireNonNegative("p90RelativeChange", p90RelativeChange);
        requirePositive("p90Z", p90Z);
        requirePositive("meanSquareZ", meanSquareZ);
        requirePositive("naiveRelativeChange", naiveRelativeChange);
        requirePositive("criticalRelativeChange", criticalRelativeChange);
        requirePositive("criticalZ", criticalZ);
    }

    public MetricDriftSettings withDetectors(Set<DetectorKind> enabled) {
        return new MetricDriftSettings(direction, enabled, effectSizeZ, twoWindowZ, minRelativeChange,
                cusumReference, cusumDecision, cusumHeadroom, p90RelativeChange, p90Z, meanSquareZ,
                naiveRelativeChange, criticalRelativeChange, criticalZ, logScale);
    }

    public MetricDriftSettings withLogScale(boolean enabled) {
        return new MetricDriftSettings(direction, detectors, effectSizeZ, twoWindowZ, minRelativeChange,
                cusumReference, cusumDecision, cusumHeadroom, p90RelativeChange, p90Z, meanSquareZ,
                naiveRelativeChange, criticalRelativeChange, criticalZ, enabled);
    }

    /** Whether the log scale applies against this baseline (enabled, up-is-worse, measured). */
    boolean logScaleFor(Baseline baseline) {
        return logScale && direction == Direction.UP_IS_WORSE && baseline.hasLogScale();
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, got " + value);
        }
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }
}
