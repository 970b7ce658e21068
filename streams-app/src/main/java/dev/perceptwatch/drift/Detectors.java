package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;

/** The detectors as pure functions of a window summary, the frozen baseline and (for CUSUM) its state. */
final class Detectors {

    record CusumStep(DetectorResult result, CusumState state) {
    }

    private Detectors() {
    }

    /** Window mean shift in standard errors; breaches when z >= effectSizeZ and the shift >= minRelativeChange. */
    static DetectorResult effectSize(MetricSummary window, Baseline baseline, MetricDriftSettings settings) {
        double z = standardisedMean(window, baseline, settings.direction());
        double relative = relativeChange(window.mean(), baseline.mean(), settings.direction());
        boolean breach = z >= settings.effectSizeZ() && relative >= settings.minRelativeChange();
        return new DetectorResult(DetectorKind.EFFECT_SIZE, z, settings.effectSizeZ(), breach, relative);
    }

    /**
     * The last two windows together: s = (z of the previous window + z of this one) / sqrt(2), which is
     * standard normal when neither moved, and their mean relative change. Breaches when s >= twoWindowZ and
     * that change >= minRelativeChange. A shift of about 3 standard errors is too small to alarm on in one
     * window without false alarms, and two windows of it are as strong as one of 4.2. The previous window
     * counts only when it ends where this one starts; otherwise it is taken as on baseline (z 0).
     *
     * @param current  this window, as {@link #lastWindow} gives it
     * @param start    this window's start, epoch ms
     * @param previous the key's last judged window, or null
     */
    static DetectorResult twoWindow(LastWindow current, long start, LastWindow previous,
                                    MetricDriftSettings settings) {
        boolean adjacent = previous != null && previous.end() == start;
        double statistic = (current.z() + (adjacent ? previous.z() : 0)) / Math.sqrt(2);
        double relative = (current.relativeChange() + (adjacent ? previous.relativeChange() : 0)) / 2;
        boolean breach = statistic >= settings.twoWindowZ() && relative >= settings.minRelativeChange();
        return new DetectorResult(DetectorKind.TWO_WINDOW, statistic, settings.twoWindowZ(), breach, relative);
    }

    /** A judged window ending at {@code end} as the two-window detector uses and keeps it. */
    static LastWindow lastWindow(MetricSummary window, long end, Baseline baseline, Direction direction) {
        return new LastWindow(end, standardisedMean(window, baseline, direction),
                relativeChange(window.mean(), baseline.mean(), direction));
    }

    /**
     * S = min(max(0, S + z - k), h + headroom). Breaches when S > h and the shift CUSUM estimates
     * (k + S / runLength standard errors) is at least minRelativeChange of the baseline mean.
     */
    static CusumStep cusum(MetricSummary window, Baseline baseline, MetricDriftSettings settings,
                           CusumState previous) {
        double z = standardisedMean(window, baseline, settings.direction());
        double h = settings.cusumDecision();
        double sum = Math.min(h + settings.cusumHeadroom(),
                Math.max(0, previous.sum() + z - settings.cusumReference()));
        int runLength = sum > 0 ? previous.runLength() + 1 : 0;
        double estimatedShift = runLength == 0 ? 0
                : (settings.cusumReference() + sum / runLength) * baseline.standardErrorOfMean(window.count());
        boolean breach = sum > h && estimatedShift / denominator(baseline.mean()) >= settings.minRelativeChange();
        double relative = relativeChange(window.mean(), baseline.mean(), settings.direction());
        return new CusumStep(new DetectorResult(DetectorKind.CUSUM, sum, h, breach, relative),
                new CusumState(sum, runLength));
    }

    /** Relative change of the window p90; never breaches on windows smaller than minQuantileCount. */
    static DetectorResult p90Shift(MetricSummary window, Baseline baseline, MetricDriftSettings settings,
                                   long minQuantileCount) {
        double relative = relativeChange(window.p90(), baseline.p90(), settings.direction());
        boolean breach = window.count() >= minQuantileCount && relative >= settings.p90RelativeChange();
        return new DetectorResult(DetectorKind.P90_SHIFT, relative, settings.p90RelativeChange(), breach, relative);
    }

    /** Relative change of the window mean beyond a fixed fraction, whatever the window size or noise. */
    static DetectorResult naiveThreshold(MetricSummary window, Baseline baseline, MetricDriftSettings settings) {
        double relative = relativeChange(window.mean(), baseline.mean(), settings.direction());
        return new DetectorResult(DetectorKind.NAIVE_THRESHOLD, relative, settings.naiveRelativeChange(),
                relative >= settings.naiveRelativeChange(), relative);
    }

    private static double standardisedMean(MetricSummary window, Baseline baseline, Direction direction) {
        return direction.badShift(window.mean(), baseline.mean()) / baseline.standardErrorOfMean(window.count());
    }

    static double relativeChange(double observed, double reference, Direction direction) {
        return direction.badShift(observed, reference) / denominator(reference);
    }

    private static double denominator(double reference) {
        return Math.max(Math.abs(reference), 1e-12);
    }
}
