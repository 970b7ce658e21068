package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.Severity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert line of {@code perceptwatch tail alerts}: everything on-call needs from a page, on one line. */
class RecordLinesTest {
    private static final Instant START = Instant.parse("2025-11-23T12:00:00Z");

    @Test
    void alertLineHasTheDetectorObservedAgainstBaselineTheWindowAndEveryWorstEventWhenFew() {
        DriftAlert alert = alert("lpips", 0.31234, 0.10456, 0.00812, 0.3547, 0.12,
                List.of("ev-07", "ev-03", "ev-11")).setDetector("two-window").setStatistic(4.56789).setThreshold(4)
                .build();

        assertEquals("2025-11-23T12:01:00Z FIRING CRITICAL lpips sdxl-faces/v7: lpips rose from 0.10 to 0.31."
                        + " | detector=two-window statistic=4.568 threshold=4.000 mean=0.3123 baseline=0.1046±0.0081"
                        + " p90=0.3547 baseline_p90=0.1200 n=240"
                        + " window=2025-11-23T12:00:00Z..2025-11-23T12:01:00Z worst=ev-07,ev-03,ev-11",
                RecordLines.alert(alert));
    }

    @Test
    void alertLineCutsManyWorstEventsToTheFirstFiveAndSaysHowManyMore() {
        DriftAlert alert = alert("psnr", 24.5, 31.25, 1.5, 22.0, 28.125,
                List.of("e1", "e2", "e3", "e4", "e5", "e6", "e7")).setDetector("p90-shift").setStatistic(0.218)
                .setThreshold(0.06).setState(AlertState.RESOLVED).setSeverity(Severity.WARNING).setSegment("portraits")
                .setSummary("psnr is back.").build();

        assertEquals("2025-11-23T12:01:00Z RESOLVED WARNING psnr sdxl-faces/v7[portraits]: psnr is back."
                        + " | detector=p90-shift statistic=0.218 threshold=0.060 mean=24.5000 baseline=31.2500±1.5000"
                        + " p90=22.0000 baseline_p90=28.1250 n=240"
                        + " window=2025-11-23T12:00:00Z..2025-11-23T12:01:00Z worst=e1,e2,e3,e4,e5 (+2 more)",
                RecordLines.alert(alert));
    }

    @Test
    void alertLineKeepsExactlyFiveWorstEventsAndMarksNoneWithADash() {
        List<String> five = List.of("e1", "e2", "e3", "e4", "e5");
        String withFive = RecordLines.alert(alert("ssim", 0.8, 0.9, 0.01, 0.85, 0.95, five).build());
        String withNone = RecordLines.alert(alert("ssim", 0.8, 0.9, 0.01, 0.85, 0.95, List.of()).build());

        assertEquals("worst=e1,e2,e3,e4,e5", withFive.substring(withFive.lastIndexOf(' ') + 1));
        assertEquals("worst=-", withNone.substring(withNone.lastIndexOf(' ') + 1));
    }

    private static DriftAlert.Builder alert(String metric, double mean, double baselineMean, double baselineStd,
                                            double p90, double baselineP90, List<String> worst) {
        MetricStats observed = MetricStats.newBuilder().setMetric(metric).setCount(240).setMean(mean).setStd(0.05)
                .setMin(0).setMax(1).setP50(mean).setP90(p90).setP99(p90).build();
        return DriftAlert.newBuilder().setAlertId("sdxl-faces/v7/" + metric + "/1").setModelId("sdxl-faces")
                .setModelVersion("v7").setMetric(metric).setState(AlertState.FIRING).setSeverity(Severity.CRITICAL)
                .setDetector("effect-size").setWindowStart(START).setWindowEnd(START.plusSeconds(60))
                .setObserved(observed).setBaselineMean(baselineMean).setBaselineStd(baselineStd)
                .setBaselineP90(baselineP90).setStatistic(6).setThreshold(5).setWorstEventIds(worst)
                .setSummary(metric + " rose from 0.10 to 0.31.");
    }
}
