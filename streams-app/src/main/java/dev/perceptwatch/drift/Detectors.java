package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;

/**
 * The detectors as pure functions of a window summary, the frozen baseline and (for CUSUM) its state. Every
 * shift is measured against the spread the warm-up measured (standard errors of the window mean or p90,
 * corrected for the window's count) and calibrated for the warm-up's length ({@link Calibration}); relative
 * changes are only floors against trivial shifts.
 */
final class Detectors {

    record CusumStep(DetectorResult result, CusumState state) {
    }

    private Detectors() {
    }

    /** Window mean shift in standard errors; breaches when z >= effectSizeZ and the shift >= minRelativeChange. */
    static DetectorResult effectSize(MetricSummary window, Baseline baseline, MetricDriftSettings settings) {
        double z = Calibration.z(standardisedMean(window, baseline, settings), baseline.windows());
        double relative = relativeChange(window.mean(), baseline.mean(), settings.direction());
        boolean breach = z >= settings.effectSizeZ() && relative >= settings.minRelativeChange();
        return new DetectorResult(DetectorKind.EFFECT_SIZE, z, settings.effectSizeZ(), breach, relative, z);
    }

    /**
     * The last two windows together: their summed shift from the baseline in standard errors of that sum
     * (standard normal when neither moved, once calibrated), and their mean relative change. Breaches when
     * it is >= twoWindowZ and that change >= minRelativeChange. A shift of about 3 standard errors is too
     * small to alarm on in one window without false alarms, and two windows of it are as strong as one of
     * 4.2. The previous window counts only when it ends where this one starts; otherwise it is taken as on
     * baseline.
     *
     * @param current  this window, as {@link #lastWindow} gives it
     * @param start    this window's start, epoch ms
     * @param previous the key's last judged window, or null
     */
    static DetectorResult twoWindow(LastWindow current, long start, LastWindow previous, Baseline baseline,
                                    MetricDriftSettings settings) {
        boolean adjacent = previous != null && previous.end() == start;
        // Both differences share the baseline's own error: Var(d1 + d2) = SE^2 (2 + 4/W), each z used SE^2 (1 + 1/W).
        double w = baseline.windows();
        double pooled = (current.z() + (adjacent ? previous.z() : 0)) * Math.sqrt((1 + 1 / w) / (2 + 4 / w));
        double statistic = Calibration.z(pooled, baseline.windows());
        double relative = (current.relativeChange() + (adjacent ? previous.relativeChange() : 0)) / 2;
        boolean breach = statistic >= settings.twoWindowZ() && relative >= settings.minRelativeChange();
        return new DetectorResult(DetectorKind.TWO_WINDOW, statistic, settings.twoWindowZ(), breach, relative,
                statistic);
    }

    /** A judged window ending at {@code end} as the two-window detector uses and keeps it. */
    static LastWindow lastWindow(MetricSummary window, long end, Baseline baseline, Direction direction) {
        LastWindow linear = new LastWindow(end, direction.badShift(window.mean(), baseline.mean())
                / (baseline.standardErrorOfMean(window.count()) * Calibration.predictionFactor(baseline.windows())),
                relativeChange(window.mean(), baseline.mean(), direction));
        return linear;
    }

    /** As {@link #lastWindow(MetricSummary, long, Baseline, Direction)}, on the settings' scale. */
    static LastWindow lastWindow(MetricSummary window, long end, Baseline baseline, MetricDriftSettings settings) {
        return new LastWindow(end, standardisedMean(window, baseline, settings),
                relativeChange(window.mean(), baseline.mean(), settings.direction()));
    }

    /**
     * S = min(max(0, S + z - k), h + headroom) of the calibrated window z, with k the reference or, after a
     * short warm-up, the larger slack that covers the baseline's own error ({@link Calibration#cusumSlack}).
     * Breaches when S > h and the shift CUSUM estimates (k + S / runLength standard errors) is at least
     * minRelativeChange of the baseline mean.
     */
    static CusumStep cusum(MetricSummary window, Baseline baseline, MetricDriftSettings settings,
                           CusumState previous) {
        double z = Calibration.z(standardisedMean(window, baseline, settings), baseline.windows());
        double h = settings.cusumDecision();
        double k = Calibration.cusumSlack(settings.cusumReference(), baseline.windows());
        double sum = Math.min(h + settings.cusumHeadroom(), Math.max(0, previous.sum() + z - k));
        int runLength = sum > 0 ? previous.runLength() + 1 : 0;
        double estimatedShift = runLength == 0 ? 0
                : (k + sum / runLength) * baseline.standardErrorOfMean(window.count());
        boolean breach = sum > h && estimatedShift / denominator(baseline.mean()) >= settings.minRelativeChange();
        double relative = relativeChange(window.mean(), baseline.mean(), settings.direction());
        return new CusumStep(new DetectorResult(DetectorKind.CUSUM, sum, h, breach, relative, z),
                new CusumState(sum, runLength));
    }

    /**
     * The window p90's shift from the baseline p90 in standard errors of a window p90 (the warm-up windows'
     * p90s' spread, corrected for this window's count), calibrated. Breaches when it is >= p90Z and the
     * relative change of the p90 >= p90RelativeChange; never on windows smaller than minQuantileCount, nor
     * against a baseline frozen before the p90 spread was measured (statistic NaN).
     */
    static DetectorResult p90Shift(MetricSummary window, Baseline baseline, MetricDriftSettings settings,
                                   long minQuantileCount) {
        double relative = relativeChange(window.p90(), baseline.p90(), settings.direction());
        double shift;
        if (settings.logScaleFor(baseline)) {
            // log(window p90) against the warm-up windows' log p90s: their mean, their spread carried to n.
            shift = (log(window.p90()) - baseline.logP90Mean())
                    / (baseline.spreadAt(baseline.logP90Std(), window.count())
                    * Calibration.predictionFactor(baseline.windows()));
        } else {
            double se = baseline.standardErrorOfP90(window.count());
            shift = settings.direction().badShift(window.p90(), baseline.p90())
                    / (se * Calibration.predictionFactor(baseline.windows()));
        }
        double z = Calibration.z(shift, baseline.windows());
        boolean breach = window.count() >= minQuantileCount && z >= settings.p90Z()
                && relative >= settings.p90RelativeChange();
        return new DetectorResult(DetectorKind.P90_SHIFT, z, settings.p90Z(), breach, relative, z);
    }

    /**
     * The log of the window's mean square without its worst score against the warm-up windows' (their mean,
     * their spread carried to n), calibrated. A share of much worse outputs raises the second moment far more
     * than the mean, in standard errors of each; leaving the worst score out keeps one outlier from doing the
     * same. Breaches when it is >= meanSquareZ and the root of that mean square rose by >= minRelativeChange;
     * never on a metric off the log scale, a window of one score, nor against a baseline frozen before the
     * spread was measured (statistic NaN).
     */
    static DetectorResult meanSquare(MetricSummary window, Baseline baseline, MetricDriftSettings settings) {
        double meanSquare = meanSquareWithoutWorst(window);
        if (!settings.logScaleFor(baseline) || !baseline.hasLogMeanSquare() || !(meanSquare > 0)) {
            return new DetectorResult(DetectorKind.MEAN_SQUARE, Double.NaN, settings.meanSquareZ(), false, Double.NaN,
                    Double.NaN);
        }
        double shift = (Math.log(meanSquare) - baseline.logMeanSquareMean())
                / (baseline.spreadAt(baseline.logMeanSquareStd(), window.count())
                * Calibration.predictionFactor(baseline.windows()));
        double z = Calibration.z(shift, baseline.windows());
        double relative = relativeChange(Math.sqrt(meanSquare), rootMeanSquare(baseline), settings.direction());
        boolean breach = z >= settings.meanSquareZ() && relative >= settings.minRelativeChange();
        return new DetectorResult(DetectorKind.MEAN_SQUARE, z, settings.meanSquareZ(), breach, relative, z);
    }

    /**
     * (sum of squares - max^2) / (n - 1) from the window's count, mean, population std and max: the second
     * moment of every score but the highest (the worst, for the up-is-worse metrics it is judged on); NaN for a
     * window of fewer than two scores.
     */
    static double meanSquareWithoutWorst(MetricSummary window) {
        long n = window.count();
        if (n < 2) {
            return Double.NaN;
        }
        double sumOfSquares = n * (window.std() * window.std() + window.mean() * window.mean());
        return Math.max(0, sumOfSquares - window.max() * window.max()) / (n - 1);
    }

    /** The baseline's typical root mean square without the worst score (the geometric mean of its windows'). */
    static double rootMeanSquare(Baseline baseline) {
        return Math.exp(baseline.logMeanSquareMean() / 2);
    }

    /** Relative change of the window mean beyond a fixed fraction, whatever the window size or noise. */
    static DetectorResult naiveThreshold(MetricSummary window, Baseline baseline, MetricDriftSettings settings) {
        double relative = relativeChange(window.mean(), baseline.mean(), settings.direction());
        return new DetectorResult(DetectorKind.NAIVE_THRESHOLD, relative, settings.naiveRelativeChange(),
                relative >= settings.naiveRelativeChange(), relative, Double.NaN);
    }

    /**
     * The shift of the window mean in standard errors of its difference from the baseline, uncalibrated. On
     * the log scale: (log(window mean) - mean of the warm-up windows' log means) / (their spread carried to
     * this window's n, times the prediction factor).
     */
    private static double standardisedMean(MetricSummary window, Baseline baseline, MetricDriftSettings settings) {
        if (settings.logScaleFor(baseline)) {
            return (log(window.mean()) - baseline.logMean())
                    / (baseline.spreadAt(baseline.logStd(), window.count())
                    * Calibration.predictionFactor(baseline.windows()));
        }
        return settings.direction().badShift(window.mean(), baseline.mean())
                / (baseline.standardErrorOfMean(window.count()) * Calibration.predictionFactor(baseline.windows()));
    }

    /** Natural log, with a zero (or negative) statistic taken as the smallest positive double. */
    private static double log(double value) {
        return Math.log(Math.max(value, Double.MIN_NORMAL));
    }

    static double relativeChange(double observed, double reference, Direction direction) {
        return direction.badShift(observed, reference) / denominator(reference);
    }

    private static double denominator(double reference) {
        return Math.max(Math.abs(reference), 1e-12);
    }
}
