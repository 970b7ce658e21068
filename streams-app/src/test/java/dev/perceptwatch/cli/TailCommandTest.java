package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WindowStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** tail's --model and --version filters, without a broker (ProducerCommandsTest runs them against one). */
class TailCommandTest {
    private static final Instant TIME = Instant.parse("2025-11-23T12:00:00Z");

    @Test
    void modelKeepsOnlyThatModelsRecordsOfEveryStream() {
        TailCommand alerts = parse("alerts", "--model", "sdxl-faces");
        TailCommand scores = parse("scores", "--model", "sdxl-faces");
        TailCommand windows = parse("window-stats", "--model", "sdxl-faces");

        assertTrue(alerts.selected(alert("sdxl-faces", "v7")));
        assertTrue(alerts.selected(alert("sdxl-faces", "v8")));
        assertFalse(alerts.selected(alert("sd15-landscapes", "v7")));
        assertFalse(alerts.selected(alert("sdxl-faces-2", "v7")), "an exact match, not a prefix");
        assertTrue(scores.selected(score("sdxl-faces", "v7")));
        assertFalse(scores.selected(score("sd15-landscapes", "v3")));
        assertTrue(windows.selected(windowStats("sdxl-faces", "v1")));
        assertFalse(windows.selected(windowStats("sd15-landscapes", "v3")));
        assertFalse(alerts.selected(null), "a tombstone has no model");
    }

    @Test
    void versionNarrowsToOneModelVersionAndIsTheModelsVersionNotTheAppVersion() {
        TailCommand both = parse("alerts", "--model", "sdxl-faces", "--version", "v7");
        TailCommand versionOnly = parse("scores", "--model-version", "v3");

        assertEquals("v7", both.version);
        assertTrue(both.selected(alert("sdxl-faces", "v7")));
        assertFalse(both.selected(alert("sdxl-faces", "v8")));
        assertFalse(both.selected(alert("sd15-landscapes", "v7")));
        assertTrue(versionOnly.selected(score("sd15-landscapes", "v3")));
        assertFalse(versionOnly.selected(score("sd15-landscapes", "v4")));
    }

    @Test
    void deadLettersWithoutAModelAreLeftOutOnlyWhenFiltering() {
        TailCommand filtered = parse("dead-letters", "--model", "sdxl-faces");
        TailCommand all = parse("dead-letters");

        assertTrue(filtered.selected(deadLetter("sdxl-faces", "v7")));
        assertFalse(filtered.selected(deadLetter("sd15-landscapes", "v3")));
        assertFalse(filtered.selected(deadLetter(null, null)));
        assertTrue(all.selected(deadLetter(null, null)));
        assertTrue(all.selected(null), "without a filter a tombstone is still reported");
        assertNull(all.model);
    }

    private static TailCommand parse(String... args) {
        TailCommand tail = new TailCommand();
        new CommandLine(tail).parseArgs(args);
        return tail;
    }

    static DriftAlert alert(String model, String version) {
        MetricStats observed = MetricStats.newBuilder().setMetric("lpips").setCount(10).setMean(0.3).setStd(0.05)
                .setMin(0.1).setMax(0.5).setP50(0.3).setP90(0.35).setP99(0.45).build();
        return DriftAlert.newBuilder().setAlertId("a").setModelId(model).setModelVersion(version).setMetric("lpips")
                .setState(AlertState.FIRING).setSeverity(Severity.WARNING).setDetector("cusum").setWindowStart(TIME)
                .setWindowEnd(TIME.plusSeconds(60)).setObserved(observed).setBaselineMean(0.1).setBaselineStd(0.02)
                .setBaselineP90(0.12).setStatistic(7).setThreshold(6).setWorstEventIds(List.of("e1"))
                .setSummary("s").build();
    }

    private static QualityScore score(String model, String version) {
        return QualityScore.newBuilder().setEventId("e1").setModelId(model).setModelVersion(version)
                .setProducedAt(TIME).setScoredAt(TIME).setLpips(0.2).setWidth(8).setHeight(8)
                .setScorerModel("lpips-alex").setScorerSha256("abc").build();
    }

    private static WindowStats windowStats(String model, String version) {
        return WindowStats.newBuilder().setModelId(model).setModelVersion(version).setWindowStart(TIME)
                .setWindowEnd(TIME.plusSeconds(60)).setCount(0).setErrors(0).setMetrics(List.of())
                .setWorstEventIds(Map.of()).build();
    }

    private static DeadLetter deadLetter(String model, String version) {
        return DeadLetter.newBuilder().setModelId(model).setModelVersion(version).setReason("BAD_SCHEMA")
                .setMessage("m").setSourceTopic("perceptwatch.generations").setSourcePartition(0).setSourceOffset(1)
                .setFailedAt(TIME).build();
    }
}
