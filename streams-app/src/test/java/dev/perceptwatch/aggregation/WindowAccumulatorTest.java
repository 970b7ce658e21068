package dev.perceptwatch.aggregation;

import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.events.WorstExample;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowAccumulatorTest {

    static QualityScore score(String id, Double lpips, Double psnr, Double ssim) {
        return new QualityScore(id, "m", "v1", Map.of(), Instant.EPOCH, Instant.EPOCH, null, lpips, null, null, psnr,
                ssim, null, 64, 64, "lpips-alex", "sha", null, null, null, null, null);
    }

    @Test
    void skipsNullsAndIdenticalPairPsnrButCountsTheEvents() {
        WindowAccumulator window = new WindowAccumulator();
        window.add(score("a", 0.1, 30.0, null));
        window.add(score("b", null, Double.POSITIVE_INFINITY, 0.9));
        window.addError();

        WindowStats published = published(window);
        assertEquals(2, published.getCount());
        assertEquals(1, published.getErrors());
        List<MetricSummary> summaries = window.summaries();
        assertEquals(List.of("lpips", "psnr", "ssim"), summaries.stream().map(MetricSummary::metric).toList());
        assertEquals(1, summaries.get(1).count(), "PSNR +Infinity is not counted");
        assertEquals(30.0, summaries.get(1).mean(), 0);
    }

    @Test
    void nonFiniteValuesOtherThanIdenticalPsnrNameTheEvent() {
        WindowAccumulator window = new WindowAccumulator();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> window.add(score("event-42", Double.NaN, null, null)));
        assertTrue(error.getMessage().contains("event-42") && error.getMessage().contains("lpips"),
                error.getMessage());
    }

    @Test
    void keepsTheWorstEventsPerMetricInTheMetricsBadDirection() {
        WindowAccumulator window = new WindowAccumulator(3);
        double[] lpips = {0.1, 0.5, 0.3, 0.9, 0.2, 0.7};
        double[] ssim = {0.9, 0.4, 0.8, 0.3, 0.95, 0.6};
        for (int i = 0; i < lpips.length; i++) {
            window.add(score("e" + i, lpips[i], null, ssim[i]));
        }
        assertEquals(List.of("e3", "e5", "e1"), window.worstEventIds(Metric.LPIPS), "highest LPIPS first");
        assertEquals(List.of("e3", "e1", "e5"), window.worstEventIds(Metric.SSIM), "lowest SSIM first");
        assertEquals(List.of(), window.worstEventIds(Metric.MSE));
    }

    @Test
    void worstEventsDoNotDependOnArrivalOrder() {
        WindowAccumulator forward = new WindowAccumulator(3);
        WindowAccumulator backward = new WindowAccumulator(3);
        List<QualityScore> scores = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // Ties on purpose: only four distinct values of each metric.
            scores.add(score("e" + i, 0.1 * (i % 4), null, 0.9 - 0.1 * (i % 4)));
        }
        scores.forEach(forward::add);
        for (int i = scores.size() - 1; i >= 0; i--) {
            backward.add(scores.get(i));
        }
        assertEquals(List.of("e11", "e15", "e19"), forward.worstEventIds(Metric.LPIPS), "ties by event id");
        for (Metric metric : Metric.values()) {
            assertEquals(forward.worstEventIds(metric), backward.worstEventIds(metric));
        }
    }

    @Test
    void bytesRoundTripKeepsEverythingAndTheCopyKeepsAccumulating() {
        WindowAccumulator original = new WindowAccumulator();
        for (int i = 0; i < 50; i++) {
            original.add(score("e" + i, i / 100.0, 20.0 + i, 1 - i / 200.0));
        }
        original.addError();
        WindowAccumulator copy = WindowAccumulator.fromBytes(original.toBytes());
        assertEquals(original.summaries(), copy.summaries());
        assertEquals(published(original).getErrors(), published(copy).getErrors());
        assertEquals(original.worstEventIds(Metric.LPIPS), copy.worstEventIds(Metric.LPIPS));

        original.add(score("late", 0.99, 10.0, 0.1));
        copy.add(score("late", 0.99, 10.0, 0.1));
        assertEquals(original.summaries(), copy.summaries());
        assertEquals("late", copy.worstEventIds(Metric.SSIM).get(0));
    }

    @Test
    void corruptBytesAreRejectedClearly() {
        byte[] bytes = new WindowAccumulator().toBytes();
        bytes[0] = 9;
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> WindowAccumulator.fromBytes(bytes));
        assertTrue(error.getMessage().contains("format version 9"), error.getMessage());
    }

    @Test
    void closedWindowsBecomeWindowStats() {
        WindowAccumulator window = new WindowAccumulator();
        window.add(score("a", 0.1, 30.0, 0.9));
        window.add(score("b", 0.3, 20.0, 0.7));
        window.addError();
        dev.perceptwatch.events.WindowStats stats = window.toWindowStats("m", "v1", null, 60_000, 120_000);
        assertEquals(2, stats.getCount());
        assertEquals(1, stats.getErrors());
        assertEquals(Instant.ofEpochMilli(60_000), stats.getWindowStart());
        assertEquals(window.summaries(), stats.getMetrics().stream().map(MetricSummary::fromAvro).toList());
        assertEquals(List.of("b", "a"), stats.getWorstEventIds().get("lpips"));
        assertEquals(List.of("b", "a"), stats.getWorstEventIds().get("ssim"));
    }

    /** A score read at generations-{@code partition}@{@code offset}, its reference from the references topic. */
    private static QualityScore located(String id, double lpips, int partition, long offset) {
        QualityScore score = score(id, lpips, null, null);
        score.setSourceTopic("perceptwatch.generations");
        score.setSourcePartition(partition);
        score.setSourceOffset(offset);
        score.setGeneratedUri("file:///images/" + id + ".png");
        score.setReferenceId("ref-" + id);
        return score;
    }

    @Test
    void worstExamplesSayWhereEachEventsImagesAreAndSurviveTheStore() {
        WindowAccumulator window = new WindowAccumulator(2);
        window.add(located("a", 0.1, 0, 7));
        window.add(located("b", 0.5, 3, 42));
        window.add(located("c", 0.3, 1, 9));
        window.add(score("old", 0.4, null, null));

        for (WindowAccumulator read : List.of(window, WindowAccumulator.fromBytes(window.toBytes()))) {
            List<WorstExample> lpips = read.toWindowStats("m", "v1", null, 0, 60_000).getWorstExamples().get("lpips");
            assertEquals(List.of(new WorstExample("b", 0.5, "perceptwatch.generations", 3, 42L, "file:///images/b.png",
                            null, "ref-b"),
                    new WorstExample("old", 0.4, null, null, null, null, null, null)), lpips,
                    "a score without a position keeps its id and value, with an unknown location");
        }
    }

    @Test
    void readsTheIdsOnlyFormatAnOlderBuildStored() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(5);
            out.writeLong(2);
            out.writeLong(0);
            out.writeInt(1);
            out.writeUTF("lpips");
            MetricAccumulator lpips = new MetricAccumulator(Metric.LPIPS);
            lpips.add(0.2);
            lpips.add(0.6);
            lpips.writeTo(out);
            out.writeInt(2);
            out.writeDouble(0.6);
            out.writeUTF("worse");
            out.writeDouble(0.2);
            out.writeUTF("better");
        }
        WindowAccumulator read = WindowAccumulator.fromBytes(bytes.toByteArray());
        assertEquals(List.of("worse", "better"), read.worstEventIds(Metric.LPIPS));
        assertEquals(List.of(new WorstExample("worse", 0.6, null, null, null, null, null, null),
                        new WorstExample("better", 0.2, null, null, null, null, null, null)),
                read.toWindowStats("m", "v1", null, 0, 60_000).getWorstExamples().get("lpips"));
        read.add(located("new", 0.9, 2, 5));
        assertEquals(List.of("new", "worse", "better"), read.worstEventIds(Metric.LPIPS));
    }

    @Test
    void summaryMapsOneToOneToAvro() {
        MetricSummary summary = new MetricSummary("lpips", 3, 0.2, 0.1, 0.1, 0.3, 0.2, 0.28, 0.3);
        assertEquals(summary, MetricSummary.fromAvro(summary.toAvro()));
        assertEquals(0.28, summary.toAvro().getP90(), 0);
    }

    /** The counts as the service publishes them, in the closed window. */
    private static WindowStats published(WindowAccumulator window) {
        return window.toWindowStats("model", "v1", null, 0, 60_000);
    }
}
