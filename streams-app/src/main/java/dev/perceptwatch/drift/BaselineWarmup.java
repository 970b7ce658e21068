package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;

/**
 * Pools the first N window summaries of a key and metric into a {@link Baseline}. Immutable; every field
 * is a mergeable sum so the value is plain data for a state store.
 *
 * <p>Individual scores are pooled exactly (Chan's parallel variance). The baseline p90 is the mean of the
 * windows' p90s rather than the p90 of all pooled scores: detectors compare it with one window's p90, and a
 * window-sized sample's p90 has the same small-sample bias as the warm-up windows' p90s.
 */
record BaselineWarmup(int windows, long count, double mean, double m2, double meanOfMeans,
                      double m2OfMeans, double sumSamplingVariance, double sumP90) {

    static final BaselineWarmup EMPTY = new BaselineWarmup(0, 0, 0, 0, 0, 0, 0, 0);

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
        return new BaselineWarmup(w, total, pooledMean, pooledM2, newMeanOfMeans, newM2OfMeans,
                sumSamplingVariance + window.std() * window.std() / n, sumP90 + window.p90());
    }

    Baseline freeze(String metric) {
        // Observed variance of the window means minus what sampling alone explains (random effects).
        double varianceOfMeans = windows > 1 ? m2OfMeans / (windows - 1) : 0;
        double between = Math.max(0, varianceOfMeans - sumSamplingVariance / windows);
        return new Baseline(metric, mean, Math.sqrt(m2 / count), sumP90 / windows, Math.sqrt(between),
                windows, count, "warm-up");
    }
}
