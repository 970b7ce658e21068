package dev.perceptwatch.drift;

/**
 * @param sum        the one-sided CUSUM of standardised window means, in [0, h + headroom]
 * @param runLength  windows since the sum was last 0
 */
record CusumState(double sum, int runLength) {
    static final CusumState ZERO = new CusumState(0, 0);
}
