package dev.perceptwatch.drift.eval;

/** A change that drift-eval plays; the name is what it reports. */
public enum Scenario {
    MEAN_5("mean+5%"),
    MEAN_10("mean+10%"),
    MEAN_25("mean+25%"),
    /** Per-pair std up by half (0.08 -> 0.12), same mean. */
    VARIANCE("variance"),
    /** Hard pairs get harder: the excess of values over 0.25 (about the baseline p75) is stretched 1.8x. */
    TAIL("tail"),
    /** No change at all: every window counts for the false-alarm rate. */
    NONE("none"),
    // After NONE: a run's seed includes the ordinal, and the synthetic scenarios keep their streams.
    /** Replay only: this fraction of each window's events drawn from the changed stream, the rest healthy. */
    CHANGED_10("changed-10%"),
    CHANGED_25("changed-25%"),
    CHANGED_50("changed-50%"),
    CHANGED_100("changed-100%");

    private final String reportName;

    Scenario(String reportName) {
        this.reportName = reportName;
    }

    String reportName() {
        return reportName;
    }

    double meanFactor() {
        return switch (this) {
            case MEAN_5 -> 1.05;
            case MEAN_10 -> 1.10;
            case MEAN_25 -> 1.25;
            default -> 1.0;
        };
    }

    /** The share of a changed window's events that come from the changed stream; 0 for other scenarios. */
    double changedFraction() {
        return switch (this) {
            case CHANGED_10 -> 0.10;
            case CHANGED_25 -> 0.25;
            case CHANGED_50 -> 0.50;
            case CHANGED_100 -> 1.0;
            default -> 0;
        };
    }
}
