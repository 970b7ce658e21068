package dev.perceptwatch.drift;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

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
 * @param p90Std            standard deviation of the warm-up windows' p90s; null in a baseline frozen before
 *                          it was measured, which the p90 detector cannot judge against
 * @param warmupWindowSize  the warm-up windows' harmonic mean count, the n at which {@code p90Std} was
 *                          measured; 0 when not measured
 * @param logMean           mean of the logs of the warm-up windows' means (up-is-worse metrics whose every
 *                          warm-up window mean was positive); null when not measured (older state, a
 *                          down-is-worse metric, or a zero window mean), and the log-scale detectors then
 *                          judge linearly
 * @param logStd            sample standard deviation of those logs
 * @param logP90Mean        mean of the logs of the warm-up windows' p90s; null when not measured
 * @param logP90Std         sample standard deviation of those logs
 * @param logMeanSquareMean mean of the logs of the warm-up windows' mean squares without their worst score
 *                          ({@link Detectors#meanSquareWithoutWorst}); null when not measured (older state, or
 *                          a window that had none), and the mean-square detector then does not judge
 * @param logMeanSquareStd  sample standard deviation of those logs
 */
public record Baseline(String metric, double mean, double std, double p90, double betweenWindowStd,
                       int windows, long count, String source, Double p90Std,
                       @JsonSetter(nulls = Nulls.AS_EMPTY) double warmupWindowSize,
                       Double logMean, Double logStd, Double logP90Mean, Double logP90Std,
                       Double logMeanSquareMean, Double logMeanSquareStd) {

    @JsonCreator
    public Baseline {
    }

    /** A baseline without the mean-square spread (as frozen before it was measured). */
    public Baseline(String metric, double mean, double std, double p90, double betweenWindowStd, int windows,
                    long count, String source, Double p90Std, double warmupWindowSize, Double logMean,
                    Double logStd, Double logP90Mean, Double logP90Std) {
        this(metric, mean, std, p90, betweenWindowStd, windows, count, source, p90Std, warmupWindowSize,
                logMean, logStd, logP90Mean, logP90Std, null, null);
    }

    /** A baseline without the log-scale spreads (as frozen before they were measured). */
    public Baseline(String metric, double mean, double std, double p90, double betweenWindowStd, int windows,
                    long count, String source, Double p90Std, double warmupWindowSize) {
        this(metric, mean, std, p90, betweenWindowStd, windows, count, source, p90Std, warmupWindowSize,
                null, null, null, null, null, null);
    }

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

    /**
     * Standard error of the p90 of a window of n scores, or NaN when the warm-up did not measure it. The
     * warm-up measured the spread of single windows' p90s at its own window size; that spread is split into
     * sampling, which shrinks as 1/n, and traffic mix, which does not, in the proportion the window means
     * showed (the mix moves a window's location, and with it mean and p90 alike). At the warm-up's window
     * size this is exactly the measured spread.
     */
    public double standardErrorOfP90(long n) {
        if (p90Std == null || !(warmupWindowSize > 0)) {
            return Double.NaN;
        }
        double sampling = std * std / warmupWindowSize;
        double between = betweenWindowStd * betweenWindowStd;
        double mixShare = sampling + between > 0 ? between / (sampling + between) : 0;
        double variance = p90Std * p90Std * ((1 - mixShare) * warmupWindowSize / n + mixShare);
        return Math.max(Math.sqrt(variance), MIN_RELATIVE_ERROR * Math.max(Math.abs(p90), 1e-9));
    }

    /** This baseline for use by another version of the same model ("compare v7 against v6"). */
    public Baseline pinnedFrom(String version) {
        return new Baseline(metric, mean, std, p90, betweenWindowStd, windows, count, version, p90Std,
                warmupWindowSize, logMean, logStd, logP90Mean, logP90Std, logMeanSquareMean, logMeanSquareStd);
    }

    /** Whether the warm-up measured the log-scale spreads of window means and p90s. */
    public boolean hasLogScale() {
        return logMean != null && logStd != null && logP90Mean != null && logP90Std != null;
    }

    /** Whether the warm-up measured the log mean squares' spread as well. */
    public boolean hasLogMeanSquare() {
        return hasLogScale() && logMeanSquareMean != null && logMeanSquareStd != null;
    }

    /**
     * The share of a window statistic's variance at the warm-up's window size that is traffic mix (does not
     * shrink with n), in the proportion the window means showed; the rest is sampling (shrinks as 1/n).
     */
    private double mixShare() {
        double sampling = std * std / warmupWindowSize;
        double between = betweenWindowStd * betweenWindowStd;
        return sampling + between > 0 ? between / (sampling + between) : 0;
    }

    /**
     * A spread measured on single warm-up windows (at the warm-up's window size) carried to a window of n:
     * the sampling part scales as warmupWindowSize / n, the mix part not. At the warm-up's size it is the
     * measured spread. With no recorded warm-up size, the measured spread as it is.
     */
    double spreadAt(double measuredStd, long n) {
        if (!(warmupWindowSize > 0)) {
            return Math.max(measuredStd, MIN_RELATIVE_ERROR);
        }
        double share = mixShare();
        return Math.max(measuredStd * Math.sqrt((1 - share) * warmupWindowSize / n + share), MIN_RELATIVE_ERROR);
    }
}
