package dev.perceptwatch.drift.eval;

/** A synthetic LPIPS change; the name is what drift-eval reports. */
enum Scenario {
    MEAN_5("mean+5%"),
    MEAN_10("mean+10%"),
    MEAN_25("mean+25%"),
    /** Per-pair std up by half (0.08 -> 0.12), same mean. */
    VARIANCE("variance"),
    /** Hard pairs get harder: the excess of values over 0.25 (about the baseline p75) is stretched 1.8x. */
    TAIL("tail"),
    /** No change at all: every window counts for the false-alarm rate. */
    NONE("none");

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
}
