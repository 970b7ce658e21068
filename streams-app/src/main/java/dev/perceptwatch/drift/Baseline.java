package dev.perceptwatch.drift;

/**
 * The frozen reference for one key and metric.
 *
 * @param metric            metric wire name
 * @param mean              pooled mean of the individual scores of the warm-up windows
 * @param std               pooled population standard deviation of the individual scores
 * @param p90               mean of the warm-up windows' p90s (see {@link BaselineWarmup})
 * @param betweenWindowStd  spread of window means beyond sampling noise (traffic mix changing from window
 *                          to window); 0 when the warm-up windows varied no more than sampling predicts
 * @param windows           warm-up windows pooled
 * @param count             scores pooled
 * @param source            "warm-up", or the model version it was pinned to
 */
public record Baseline(String metric, double mean, double std, double p90, double betweenWindowStd,
                       int windows, long count, String source) {

    /** Smallest standard error used, so a constant baseline does not turn any change into infinity. */
    private static final double MIN_RELATIVE_ERROR = 1e-6;

    /**
     * Standard error of the mean of a window of n scores: sqrt(std^2 / n + betweenWindowStd^2). Pure
     * std / sqrt(n) assumes windows are independent samples of one distribution, and alarms on every normal
     * change of traffic mix; the individual std ignores n, so a 20-event and a 20,000-event window would be
     * judged alike. The random-effects form is both: sampling noise shrinks with n, mix noise does not.
     */
    public double standardErrorOfMean(long n) {
        double se = Math.sqrt(std * std / n + betweenWindowStd * betweenWindowStd);
        return Math.max(se, MIN_RELATIVE_ERROR * Math.max(Math.abs(mean), 1e-9));
    }

    /** This baseline for use by another version of the same model ("compare v7 against v6"). */
    public Baseline pinnedFrom(String version) {
        return new Baseline(metric, mean, std, p90, betweenWindowStd, windows, count, version);
    }
}
