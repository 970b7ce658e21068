package dev.perceptwatch.drift;

/**
 * What the two-window detector keeps of the last judged window of a key and metric.
 *
 * @param end            the window's end, epoch ms: only the window starting there is pooled with it
 * @param z              its mean's bad-direction shift in standard errors of the difference from the
 *                       baseline, before calibration (see {@link Calibration})
 * @param relativeChange its mean's bad-direction relative change
 */
record LastWindow(long end, double z, double relativeChange) {
}
