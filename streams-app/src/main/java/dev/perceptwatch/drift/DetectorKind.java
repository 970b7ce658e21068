package dev.perceptwatch.drift;

/** The detectors; {@link #wireName()} is what a DriftAlert's {@code detector} field carries. */
public enum DetectorKind {
    /** Shift of the window mean in standard errors, with a minimum relative change. */
    EFFECT_SIZE("effect-size"),
    /** The effect size of the last two adjacent windows together: a moderate shift that lasts. */
    TWO_WINDOW("two-window"),
    /** One-sided CUSUM of standardised window means: small persistent shifts. */
    CUSUM("cusum"),
    /** Relative change of the window p90 against the baseline p90: changes in the tail. */
    P90_SHIFT("p90-shift"),
    /**
     * Root mean square of the window without its worst score, against the warm-up's: a minority of much worse
     * outputs (a share of the prompts failing), which moves the mean less than it moves the second moment.
     */
    MEAN_SQUARE("mean-square"),
    /** Window mean beyond a fixed fraction of the baseline mean: the naive rule the others must beat. */
    NAIVE_THRESHOLD("naive-threshold");

    private final String wireName;

    DetectorKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
