package dev.perceptwatch.drift.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.aggregation.MetricSummary;
import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.drift.DriftSettings;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading recorded scores, resampling windows from them, and drift-eval's replay scenarios. */
class ReplayScoresTest {
    @TempDir
    Path dir;

    @Test
    void readsTheLinesOfScoreAndOfTailScores() throws IOException {
        Path file = write("pairs.jsonl",
                "{\"generated\":\"g.png\",\"reference\":\"r.png\",\"lpips\":0.25,\"feature_distance\":1.5,"
                        + "\"mse\":12.0,\"psnr\":\"Infinity\",\"ssim\":0.9,\"ms_ssim\":null,\"width\":256,\"height\":128}",
                "",
                "{\"event_id\":\"e1\",\"model_id\":\"m\",\"model_version\":\"v1\",\"lpips\":0.5,\"width\":8}");

        List<QualityScore> records = ReplayScores.read(file);

        assertEquals(2, records.size(), "the blank line is skipped");
        QualityScore first = records.get(0);
        assertEquals(0.25, first.getLpips());
        assertEquals(1.5, first.getFeatureDistance());
        assertEquals(Double.POSITIVE_INFINITY, first.getPsnr());
        assertNull(first.getMsSsim());
        assertEquals(256, first.getWidth());
        assertEquals(128, first.getHeight());
        assertEquals(0.5, records.get(1).getLpips());
        assertNull(records.get(1).getSsim(), "absent is not computed");
    }

    @Test
    void aBadLineIsOneErrorNamingFileAndLine() throws IOException {
        String good = "{\"lpips\":0.2}";
        assertEquals(dir.resolve("a.jsonl") + ":2: not JSON (Unexpected character ('l' (code 108)): was expecting "
                        + "double-quote to start field name)",
                error(write("a.jsonl", good, "{lpips:0.2}")));
        assertEquals(dir.resolve("b.jsonl") + ":3: lpips is \"high\", not a number",
                error(write("b.jsonl", good, good, "{\"lpips\":\"high\"}")));
        assertEquals(dir.resolve("c.jsonl") + ":1: no metric value (lpips, feature_distance, mse, psnr, ssim, ms_ssim)",
                error(write("c.jsonl", "{\"generated\":\"g.png\"}")));
        assertEquals(dir.resolve("d.jsonl") + ":1: not a JSON object", error(write("d.jsonl", "[0.2]")));
        assertTrue(error(write("e.jsonl", "")).startsWith(dir.resolve("e.jsonl") + ": no score records"),
                "a file of blank lines has nothing to replay");
    }

    @Test
    void windowsResampleWholeRecordsAndScaleEveryMetricsBadnessAlike() {
        // Two records whose metrics move together; a window of either keeps each pair's metrics together.
        QualityScore low = record(0.1, 10.0, 30.0, 0.9);
        QualityScore high = record(0.3, 40.0, 20.0, 0.7);
        ScoreSource.Windows windows = new ReplayScores(List.of(low, high), List.of())
                .open(RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {1, 2}), 400, 0);

        WindowAccumulator clean = windows.window("w0", Scenario.MEAN_25, false);
        WindowAccumulator scaled = windows.window("w1", Scenario.MEAN_25, true);

        // Hand-worked: the 1.25 factor makes LPIPS 0.125 / 0.375, MSE 12.5 / 50, PSNR 30 - 10 log10 1.25 = 29.03,
        // SSIM 1 - 0.1 * 1.25 = 0.875; the low/high mix of each window is what its mean tells.
        double lowShare = (0.3 - summary(clean, Metric.LPIPS).mean()) / 0.2;
        assertEquals(10 * lowShare + 40 * (1 - lowShare), summary(clean, Metric.MSE).mean(), 1e-9);
        assertEquals(0.125, summary(scaled, Metric.LPIPS).min(), 1e-9);
        assertEquals(0.375, summary(scaled, Metric.LPIPS).max(), 1e-9);
        assertEquals(50, summary(scaled, Metric.MSE).max(), 1e-9);
        assertEquals(30 - 10 * Math.log10(1.25), summary(scaled, Metric.PSNR).max(), 1e-9);
        assertEquals(0.875, summary(scaled, Metric.SSIM).max(), 1e-9);
    }

    @Test
    void aChangedStreamIsCaughtOnEveryMetricAndAHealthyOneCountsNoDelay() {
        // Skewed healthy scores (a CV about 1, like real LPIPS) and a changed stream twice as bad.
        List<QualityScore> healthy = new ArrayList<>();
        List<QualityScore> changed = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            double lpips = 0.01 * i * i / 25.0;
            healthy.add(record(lpips, 100 * lpips, 40 - 10 * lpips, 1 - lpips / 2));
            changed.add(record(2 * lpips, 200 * lpips, 40 - 20 * lpips, 1 - lpips));
        }
        DriftSettings defaults = DriftSettings.defaults();
        DriftSettings shortWarmup = new DriftSettings(10, defaults.fireAfterWindows(), defaults.resolveAfterWindows(),
                defaults.minQuantileCount(), defaults.metrics());
        List<DriftEvaluation.Row> rows = new DriftEvaluation(shortWarmup).run(
                new DriftEvaluation.Options(5, 3, 8, 3, 20, 20, 100, 0.02), new ReplayScores(healthy, changed));

        assertEquals(List.of("mean+5%", "mean+10%", "mean+25%", "changed-10%", "changed-25%", "changed-50%",
                "changed-100%", "none"), rows.stream().map(DriftEvaluation.Row::scenario).distinct().toList());
        assertEquals(List.of("lpips", "mse", "psnr", "ssim", "any"),
                rows.stream().map(DriftEvaluation.Row::metric).distinct().toList(), "only the metrics recorded");
        // LPIPS pages on moderate shifts, the other metrics are backstops with higher thresholds (DriftSettings):
        // every metric catches a stream twice as bad within the run's 8 windows, LPIPS and so the page within 2.
        for (String metric : List.of("lpips", "mse", "psnr", "ssim", "any")) {
            DriftEvaluation.Row all = row(rows, "changed-100%", metric);
            assertNotNull(all.medianDelayWindows(), metric + " misses a stream twice as bad");
        }
        for (String paging : List.of("lpips", "any")) {
            DriftEvaluation.Row all = row(rows, "changed-100%", paging);
            assertTrue(all.medianDelayWindows() <= 2, paging + ": " + all);
        }
        rows.stream().filter(r -> r.scenario().equals("none"))
                .forEach(r -> assertNull(r.medianDelayWindows(), "no change, no delay"));
    }

    @Test
    void groupsAreReadPerLineAndAMissingOneNamesFileAndLine() throws IOException {
        Path file = write("grouped.jsonl", "{\"reference\":\"r1.png\",\"lpips\":0.1}", "",
                "{\"reference\":\"r2.png\",\"attributes\":{\"style\":\"anime\"},\"lpips\":0.2}");
        assertEquals(List.of("r1.png", "r2.png"), ReplayScores.groups(file, "reference"), "blank lines skipped, as read does");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ReplayScores.groups(file, "attributes.style"));
        assertEquals(file + ":1: no attributes.style to group by", missing.getMessage());
        assertEquals(List.of("anime"), ReplayScores.groups(write("one.jsonl",
                "{\"attributes\":{\"style\":\"anime\"},\"lpips\":0.2}"), "attributes.style"));
    }

    @Test
    void aGroupedWindowDrawsOnlyFromTheGroupsPickedForIt() {
        // Three groups of one LPIPS value each: a window from one group has min == max, and over many windows
        // every group is picked; from two groups, a window holds at most two distinct values.
        List<QualityScore> records = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(record(0.1 * (1 + i % 3), 10, 30, 0.9));
            groups.add("g" + i % 3);
        }
        ReplayScores replay = new ReplayScores(records, List.of());
        ScoreSource.Windows one = replay.groupedBy(groups, 1)
                .open(RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {1, 2}), 50, 0);
        java.util.Set<Double> seen = new java.util.TreeSet<>();
        for (int w = 0; w < 30; w++) {
            MetricSummary lpips = summary(one.window("w" + w, Scenario.NONE, false), Metric.LPIPS);
            assertEquals(lpips.min(), lpips.max(), 1e-12, "window " + w + " mixes groups");
            seen.add(Math.round(lpips.min() * 10) / 10.0);
        }
        assertEquals(java.util.Set.of(0.1, 0.2, 0.3), seen, "every group is picked in some window");
        ScoreSource.Windows two = replay.groupedBy(groups, 2)
                .open(RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {1, 2}), 200, 0);
        for (int w = 0; w < 10; w++) {
            MetricSummary lpips = summary(two.window("w" + w, Scenario.NONE, false), Metric.LPIPS);
            assertTrue(lpips.max() - lpips.min() > 0.05 && lpips.max() - lpips.min() < 0.25, "two groups: " + lpips);
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> replay.groupedBy(groups, 4));
        assertEquals("--groups-per-window must be 1 to 3 (the healthy stream's groups), got 4", tooMany.getMessage());
    }

    private static DriftEvaluation.Row row(List<DriftEvaluation.Row> rows, String scenario, String metric) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.detector().equals("combined")
                && r.metric().equals(metric)).findFirst().orElseThrow();
    }

    private static MetricSummary summary(WindowAccumulator window, Metric metric) {
        return window.summaries().stream().filter(s -> s.metric().equals(metric.label())).findFirst().orElseThrow();
    }

    private static QualityScore record(double lpips, double mse, double psnr, double ssim) {
        return QualityScore.newBuilder().setEventId("e").setModelId("m").setModelVersion("v1")
                .setProducedAt(java.time.Instant.EPOCH).setScoredAt(java.time.Instant.EPOCH).setLpips(lpips)
                .setMse(mse).setPsnr(psnr).setSsim(ssim).setWidth(64).setHeight(64).setScorerModel("s")
                .setScorerSha256("s").build();
    }

    private String error(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> ReplayScores.read(file)).getMessage();
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }
}
