package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.PairScores;
import dev.perceptwatch.scoring.PerceptualScore;
import dev.perceptwatch.scoring.classic.ClassicScores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** score --format jsonl and tail scores --format jsonl write the same metric fields, from one writer. */
class ScoreRecordWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METRIC_FIELDS = List.of("lpips", "feature_distance", "mse", "psnr", "ssim",
            "ms_ssim", "width", "height");

    @Test
    void aPairAndATopicScoreShareTheirMetricFields() throws Exception {
        List<String> lines = new ArrayList<>();
        ScoreRecordWriter writer = new ScoreRecordWriter(ScoreRecordWriter.Format.jsonl, lines::add);
        writer.write("g.png", "r.png", new PairScores(new PerceptualScore(0.25, 1.5, new double[0], null, 8, 8),
                new ClassicScores(12.0, Double.POSITIVE_INFINITY, 0.9, null), 8, 8));
        writer.write(QualityScore.newBuilder().setEventId("e1").setModelId("sdxl-faces").setModelVersion("v7")
                .setProducedAt(Instant.parse("2025-11-23T12:00:00Z")).setScoredAt(Instant.EPOCH).setLpips(0.25)
                .setFeatureDistance(1.5).setMse(12.0).setPsnr(Double.POSITIVE_INFINITY).setSsim(0.9).setWidth(8)
                .setHeight(8).setScorerModel("lpips-alex").setScorerSha256("abc").build());

        JsonNode pair = JSON.readTree(lines.get(0));
        JsonNode topic = JSON.readTree(lines.get(1));
        assertEquals("g.png", pair.get("generated").asText());
        assertEquals("e1", topic.get("event_id").asText());
        assertEquals("sdxl-faces", topic.get("model_id").asText());
        assertEquals("2025-11-23T12:00:00Z", topic.get("produced_at").asText());
        for (String field : METRIC_FIELDS) {
            assertEquals(pair.get(field), topic.get(field), field);
        }
        assertEquals("Infinity", topic.get("psnr").asText());
        assertTrue(topic.get("ms_ssim").isNull());
    }

    @Test
    void tailRefusesJsonLinesForStreamsOtherThanScores() {
        TailCommand tail = new TailCommand();
        new CommandLine(tail).parseArgs("alerts", "--format", "jsonl");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tail::call);
        assertEquals("--format jsonl is for scores only; use the default line format for alerts", e.getMessage());
    }
}
