package dev.perceptwatch.drift;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;

/** The one plain sentence of an alert, e.g. "lpips mean for model X v7 rose 18% over baseline (0.21 -> 0.25) for 3 windows". */
final class AlertSentences {

    private static final MathContext THREE_DIGITS = new MathContext(3);

    private AlertSentences() {
    }

    static String firing(DriftKey key, String metric, DetectorKind detector, Direction direction,
                         double baseline, double observed, int windows) {
        double relative = Math.abs(Detectors.relativeChange(observed, baseline, direction));
        String moved = direction == Direction.UP_IS_WORSE ? "rose %d%% over" : "fell %d%% below";
        return "%s %s for %s %s baseline (%s -> %s) for %s".formatted(metric, statistic(detector), subject(key),
                moved.formatted(Math.round(relative * 100)), number(baseline), number(observed), windows(windows));
    }

    static String resolved(DriftKey key, String metric, DetectorKind detector, double baseline, double observed,
                           int windows) {
        return "%s %s for %s is back near baseline (%s, baseline %s); resolved after %s".formatted(metric,
                statistic(detector), subject(key), number(observed), number(baseline), windows(windows));
    }

    static String rebaselined(DriftKey key, String metric, Instant from) {
        return "%s for %s re-baselined from %s by the operator (drift.rebaselines): the episode is closed and a new"
                .formatted(metric, subject(key), from) + " baseline warms up";
    }

    static String idle(DriftKey key, String metric, Instant lastWindowEnd) {
        return "%s for %s: no windows since %s, so the episode is closed (drift.idle-after); it is judged again when"
                .formatted(metric, subject(key), lastWindowEnd) + " windows return";
    }

    private static String statistic(DetectorKind detector) {
        return switch (detector) {
            case P90_SHIFT -> "p90";
            case MEAN_SQUARE -> "root mean square (worst pair left out)";
            default -> "mean";
        };
    }

    private static String subject(DriftKey key) {
        return "model " + key.modelId() + " " + key.modelVersion()
                + (key.segment() == null ? "" : " (segment " + key.segment() + ")");
    }

    private static String windows(int n) {
        return n == 1 ? "1 window" : n + " windows";
    }

    /** Three significant digits, no exponent, no trailing zeros: 0.2134 -> 0.213, 21034.5 -> 21000. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return new BigDecimal(value).round(THREE_DIGITS).stripTrailingZeros().toPlainString();
    }
}
