package dev.perceptwatch.cli;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
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
        add(parts, "psnr", score.getPsnr(), "%.1f", "dB");
        add(parts, "mse", score.getMse(), "%.2f", "");
        parts.add(score.getWidth() + "x" + score.getHeight());
        return String.join(" ", parts);
    }

    /** {@code window_end STATE SEVERITY metric model/version[segment]: summary}. */
    static String alert(DriftAlert alert) {
        return alert.getWindowEnd() + " " + alert.getState() + " " + alert.getSeverity() + " " + alert.getMetric() + " "
                + alert.getModelId() + "/" + alert.getModelVersion() + segment(alert.getSegment()) + ": "
                + alert.getSummary();
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
            parts.add(name + "=" + (value.isInfinite() ? "inf" : String.format(Locale.ROOT, format, value)) + unit);
        }
    }
}
