package dev.perceptwatch.drift;

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
 */
record BaselineWarmup(int windows, long count, double mean, double m2, double meanOfMeans,
                      double m2OfMeans, double sumSamplingVariance, double sumP90,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) int p90Windows,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double m2OfP90s,
                      @JsonSetter(nulls = Nulls.AS_EMPTY) double sumInverseCount) {

    static final BaselineWarmup EMPTY = new BaselineWarmup(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    BaselineWarmup add(MetricSummary window) {
        long n = window.count();
        long total = count + n;
        double delta = window.mean() - mean;
        double pooledMean = mean + delta * n / total;
        double pooledM2 = m2 + window.std() * window.std() * n + delta * delta * ((double) count * n / total);
        int w = windows + 1;
        double deltaOfMeans = window.mean() - meanOfMeans;
        double newMeanOfMeans = meanOfMeans + deltaOfMeans / w;
        double newM2OfMeans = m2OfMeans + deltaOfMeans * (window.mean() - newMeanOfMeans);
        double meanOfP90s = p90Windows == 0 ? 0 : sumP90 / p90Windows;
        double deltaOfP90s = window.p90() - meanOfP90s;
        double newMeanOfP90s = meanOfP90s + deltaOfP90s / (p90Windows + 1);
        return new BaselineWarmup(w, total, pooledMean, pooledM2, newMeanOfMeans, newM2OfMeans,
                sumSamplingVariance + window.std() * window.std() / n, sumP90 + window.p90(), p90Windows + 1,
                m2OfP90s + deltaOfP90s * (window.p90() - newMeanOfP90s), sumInverseCount + 1.0 / n);
    }

    Baseline freeze(String metric) {
        // Observed variance of the window means minus what sampling alone explains (random effects).
        double varianceOfMeans = windows > 1 ? m2OfMeans / (windows - 1) : 0;
        double between = Math.max(0, varianceOfMeans - sumSamplingVariance / windows);
        boolean p90Measured = p90Windows == windows && windows > 1;
        return new Baseline(metric, mean, Math.sqrt(m2 / count), sumP90 / windows, Math.sqrt(between),
                windows, count, "warm-up", p90Measured ? Math.sqrt(m2OfP90s / (windows - 1)) : null,
                p90Measured ? windows / sumInverseCount : 0);
    }
}
