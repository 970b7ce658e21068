package dev.perceptwatch.drift;

/**
 * One detector's verdict on one window.
 *
 * @param relativeChange the bad-direction relative change of the statistic the detector watches (the
 *                       mean, or the p90 for p90-shift); decides severity
 */
record DetectorResult(DetectorKind kind, double statistic, double threshold, boolean breach,
                      double relativeChange) {

    /** How far past its threshold the statistic is; compares detectors with different scales. */
    double margin() {
        return statistic / threshold;
    }
}
