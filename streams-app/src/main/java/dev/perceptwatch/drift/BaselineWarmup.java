package dev.perceptwatch.drift;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.perceptwatch.aggregation.MetricSummary;

/**
 * Pools the first N window summaries of a key and metric into a {@link Baseline}. Immutable; every field
 * is a mergeable sum so the value is plain data for a state store.
 *
 * <p>Individual scores are pooled exactly (Chan's parallel variance). The baseline p90 is the mean of the
 * windows' p90s rather than the p90 of all pooled scores: detectors compare it with one window's p90, and a
 * window-sized sample's p90 has the same small-sample bias as the warm-up windows' p90s. Their spread
 * (Welford) is what the p90 detector judges a window's p90 against. {@code p90Windows} counts the windows
 * whose p90 entered that spread: in a warm-up begun before it was kept, fewer than {@code windows}, and
 * the baseline then has no p90 spread. They are 0 when absent from stored state (written before they were).
 * {@code meanSquareWindows} counts the windows whose log mean square without the worst score entered its
 * Welford sums, under the same rule as {@code logWindows}.
 */
record BaselineWarmup(int windows, long count, double mean, double m2, double meanOfMeans,
                      double m2OfMeans, double sumSamplingVariance, double sumP90,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) int p90Windows,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double m2OfP90s,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double sumInverseCount,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) int logWindows,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double logMeanOfMeans,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double logM2OfMeans,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double logMeanOfP90s,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double logM2OfP90s,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) int meanSquareWindows,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double logMeanOfMeanSquares,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double logM2OfMeanSquares) {

    @JsonCreator
    BaselineWarmup {
    }

    static final BaselineWarmup EMPTY = new BaselineWarmup(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    BaselineWarmup add(MetricSummary window) {
        long n = window.count();
        long total = count + n;
        double delta = window.mean() - mean;
        double pooledMean = mean + delta * n / total;
        double pooledM2 = m2 + window.std() * window.std() * n + delta * delta * ((double) count * n / total);
        int w = windows + 1;
        Running means = new Running(meanOfMeans, m2OfMeans).add(window.mean(), w);
        Running p90s = new Running(p90Windows == 0 ? 0 : sumP90 / p90Windows, m2OfP90s)
                .add(window.p90(), p90Windows + 1);
        // Welford of log(window mean) and log(window p90), while every window so far had both positive and
        // was counted (a warm-up begun before these sums were kept has logWindows < windows: no log scale).
        int lw = logWindows;
        Running logMeans = new Running(logMeanOfMeans, logM2OfMeans);
        Running logP90s = new Running(logMeanOfP90s, logM2OfP90s);
        if (logWindows == windows && window.mean() > 0 && window.p90() > 0) {
            lw = logWindows + 1;
            logMeans = logMeans.add(Math.log(window.mean()), lw);
            logP90s = logP90s.add(Math.log(window.p90()), lw);
        }
        int sw = meanSquareWindows;
        Running logMeanSquares = new Running(logMeanOfMeanSquares, logM2OfMeanSquares);
        double meanSquare = Detectors.meanSquareWithoutWorst(window);
        if (meanSquareWindows == windows && meanSquare > 0) {
            sw = meanSquareWindows + 1;
            logMeanSquares = logMeanSquares.add(Math.log(meanSquare), sw);
        }
        return new BaselineWarmup(w, total, pooledMean, pooledM2, means.mean(), means.m2(),
                sumSamplingVariance + window.std() * window.std() / n, sumP90 + window.p90(), p90Windows + 1,
                p90s.m2(), sumInverseCount + 1.0 / n, lw, logMeans.mean(), logMeans.m2(), logP90s.mean(),
                logP90s.m2(), sw, logMeanSquares.mean(), logMeanSquares.m2());
    }

    /** Welford's running mean and sum of squared deviations of one window statistic. */
    private record Running(double mean, double m2) {
        /** With {@code x}, the {@code n}-th value. */
        Running add(double x, int n) {
            double delta = x - mean;
            double next = mean + delta / n;
            return new Running(next, m2 + delta * (x - next));
        }
    }

    Baseline freeze(String metric) {
        // Observed variance of the window means minus what sampling alone explains (random effects).
        double varianceOfMeans = windows > 1 ? m2OfMeans / (windows - 1) : 0;
        double between = Math.max(0, varianceOfMeans - sumSamplingVariance / windows);
        boolean p90Measured = p90Windows == windows && windows > 1;
        boolean logMeasured = p90Measured && logWindows == windows;
        boolean meanSquareMeasured = logMeasured && meanSquareWindows == windows;
        return new Baseline(metric, mean, Math.sqrt(m2 / count), sumP90 / windows, Math.sqrt(between),
                windows, count, "warm-up", p90Measured ? Math.sqrt(m2OfP90s / (windows - 1)) : null,
                p90Measured ? windows / sumInverseCount : 0,
                logMeasured ? logMeanOfMeans : null,
                logMeasured ? Math.sqrt(logM2OfMeans / (windows - 1)) : null,
                logMeasured ? logMeanOfP90s : null,
                logMeasured ? Math.sqrt(logM2OfP90s / (windows - 1)) : null,
                meanSquareMeasured ? logMeanOfMeanSquares : null,
                meanSquareMeasured ? Math.sqrt(logM2OfMeanSquares / (windows - 1)) : null);
    }
}
