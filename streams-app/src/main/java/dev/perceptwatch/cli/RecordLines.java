package dev.perceptwatch.cli;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.scoring.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One human-readable line per record of the service's output topics, for {@code perceptwatch tail}. */
final class RecordLines {
    private RecordLines() {
    }

    /** {@code produced_at model/version event_id lpips=.. ssim=.. ms_ssim=.. psnr=..dB mse=.. WxH}. */
    static String score(QualityScore score) {
        List<String> parts = new ArrayList<>(List.of(score.getProducedAt().toString(),
                score.getModelId() + "/" + score.getModelVersion(), score.getEventId()));
        add(parts, "lpips", score.getLpips(), "%.4f", "");
        add(parts, "ssim", score.getSsim(), "%.4f", "");
        add(parts, "ms_ssim", score.getMsSsim(), "%.4f", "");
        add(parts, "psnr", score.getPsnr(), "%.1f", Metric.PSNR.unit());
        add(parts, "mse", score.getMse(), "%.2f", "");
        parts.add(score.getWidth() + "x" + score.getHeight());
        return String.join(" ", parts);
    }

    /** Worst event ids printed in full; more are cut to these and {@code (+k more)}. */
    static final int WORST_EVENTS_SHOWN = 5;

    /**
     * {@code window_end STATE SEVERITY metric model/version[segment]: summary | detector=.. statistic=.. threshold=..
     * mean=.. baseline=..±.. p90=.. baseline_p90=.. n=N window=start..end worst=id,id,..}: what the detector saw,
     * against what, and which events to look at first (worst first).
     */
    static String alert(DriftAlert alert) {
        MetricStats observed = alert.getObserved();
        List<String> parts = new ArrayList<>(List.of(alert.getWindowEnd() + " " + alert.getState() + " "
                + alert.getSeverity() + " " + alert.getMetric() + " " + alert.getModelId() + "/"
                + alert.getModelVersion() + segment(alert.getSegment()) + ": " + alert.getSummary(), "|",
                "detector=" + alert.getDetector()));
        add(parts, "statistic", alert.getStatistic(), "%.3f", "");
        add(parts, "threshold", alert.getThreshold(), "%.3f", "");
        add(parts, "mean", observed.getMean(), "%.4f", "");
        parts.add("baseline=" + number(alert.getBaselineMean(), "%.4f") + "±" + number(alert.getBaselineStd(), "%.4f"));
        add(parts, "p90", observed.getP90(), "%.4f", "");
        add(parts, "baseline_p90", alert.getBaselineP90(), "%.4f", "");
        parts.add("n=" + observed.getCount());
        parts.add("window=" + alert.getWindowStart() + ".." + alert.getWindowEnd());
        parts.add("worst=" + worst(alert.getWorstEventIds()));
        return String.join(" ", parts);
    }

    /** All ids when at most {@link #WORST_EVENTS_SHOWN}, else the first ones and {@code (+k more)}; a dash when none. */
    private static String worst(List<String> ids) {
        if (ids.isEmpty()) {
            return "-";
        }
        if (ids.size() <= WORST_EVENTS_SHOWN) {
            return String.join(",", ids);
        }
        return String.join(",", ids.subList(0, WORST_EVENTS_SHOWN)) + " (+" + (ids.size() - WORST_EVENTS_SHOWN)
                + " more)";
    }

    /** {@code failed_at REASON event_id (model/version): message}; a dash when the event could not be read. */
    static String deadLetter(DeadLetter letter) {
        String model = letter.getModelId() == null ? "" : " (" + letter.getModelId() + "/" + letter.getModelVersion() + ")";
        return letter.getFailedAt() + " " + letter.getReason() + " "
                + (letter.getEventId() == null ? "-" : letter.getEventId()) + model + ": " + letter.getMessage();
    }

    /** {@code window_start..window_end model/version count=N errors=E metric=mean±std(p90=..) ...}. */
    static String windowStats(WindowStats stats) {
        List<String> parts = new ArrayList<>(List.of(stats.getWindowStart() + ".." + stats.getWindowEnd(),
                stats.getModelId() + "/" + stats.getModelVersion() + segment(stats.getSegment()),
                "count=" + stats.getCount(), "errors=" + stats.getErrors()));
        for (MetricStats metric : stats.getMetrics()) {
            parts.add(String.format(Locale.ROOT, "%s=%.4f±%.4f(p90=%.4f)", metric.getMetric(), metric.getMean(),
                    metric.getStd(), metric.getP90()));
        }
        return String.join(" ", parts);
    }

    private static String segment(String segment) {
        return segment == null ? "" : "[" + segment + "]";
    }

    private static void add(List<String> parts, String name, Double value, String format, String unit) {
        if (value != null) {
            parts.add(name + "=" + number(value, format) + unit);
        }
    }

    private static String number(double value, String format) {
        return Double.isInfinite(value) ? (value > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, format, value);
    }
}
