package dev.perceptwatch.drift;

/**
 * One detector's verdict on one window.
 *
 * @param relativeChange the bad-direction relative change of the statistic the detector watches (the
 *                       mean, or the p90 for p90-shift); with {@code z}, decides severity
 * @param z              the calibrated shift in standard errors behind the verdict (of the window mean, the
 *                       two windows' mean or the p90); NaN for the naive threshold, which measures none
 */
record DetectorResult(DetectorKind kind, double statistic, double threshold, boolean breach,
                      double relativeChange, double z) {

    /** How far past its threshold the statistic is; compares detectors with different scales. */
    double margin() {
        return statistic / threshold;
    }

    /** CRITICAL: a large change (relative) that is also far beyond noise (z), not one of the two alone. */
    boolean critical(MetricDriftSettings settings) {
        return breach && relativeChange >= settings.criticalRelativeChange() && z >= settings.criticalZ();
    }
}
