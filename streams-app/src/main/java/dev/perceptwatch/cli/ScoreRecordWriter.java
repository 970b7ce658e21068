package dev.perceptwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.PairScores;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One output record per scored pair, as CSV (header first) or JSON lines. A metric that was not computed is
 * empty (CSV) or null (JSON); PSNR of identical images is {@code inf} in CSV and the string
 * {@code "Infinity"} in JSON, which has no literal for it.
 *
 * <p>{@code score} identifies a pair by its files, {@code tail scores} by its event; the metric and size fields
 * are the same, so {@code drift-eval --healthy} replays either.
 */
final class ScoreRecordWriter {
    enum Format { csv, jsonl }

    /** The pair's files, every metric of the catalogue by its wire name, the size: as {@link #write} puts them. */
    private static final List<String> COLUMNS = Stream.of(Stream.of("generated", "reference"),
            Arrays.stream(Metric.values()).map(Metric::label), Stream.of("width", "height")).flatMap(s -> s).toList();

    private final Format format;
    private final Consumer<String> out;
    private final ObjectMapper json = new ObjectMapper();

    /** The CSV header, when CSV, is the first line; the columns are those of {@link #write(String, String, PairScores)}. */
    ScoreRecordWriter(Format format, Consumer<String> out) {
        this.format = format;
        this.out = out;
        if (format == Format.csv) {
            out.accept(String.join(",", COLUMNS));
        }
    }

    void write(String generated, String reference, PairScores scores) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("generated", generated);
        record.put("reference", reference);
        write(record, scores::value, scores.width(), scores.height());
    }

    /** A score from perceptwatch.scores: event_id, model_id, model_version, produced_at, then the metrics. */
    void write(QualityScore score) {
        if (format != Format.jsonl) {
            throw new IllegalStateException("a QualityScore is written as JSON lines only");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("event_id", score.getEventId());
        record.put("model_id", score.getModelId());
        record.put("model_version", score.getModelVersion());
        record.put("produced_at", score.getProducedAt().toString());
        write(record, metric -> metric.valueIn(score), score.getWidth(), score.getHeight());
    }

    private void write(Map<String, Object> record, Function<Metric, Double> value, int width, int height) {
        for (Metric metric : Metric.values()) {
            record.put(metric.label(), value.apply(metric));
        }
        record.put("width", width);
        record.put("height", height);
        out.accept(format == Format.csv ? csvLine(record) : jsonLine(record));
    }

    private static String csvLine(Map<String, Object> record) {
        return record.values().stream().map(ScoreRecordWriter::csvValue).collect(Collectors.joining(","));
    }

    private static String csvValue(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && d.isInfinite()) {
            return d > 0 ? "inf" : "-inf";
        }
        String text = value.toString();
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    private String jsonLine(Map<String, Object> record) {
        record.replaceAll((key, value) -> value instanceof Double d && d.isInfinite()
                ? (d > 0 ? "Infinity" : "-Infinity") : value);
        try {
            return json.writeValueAsString(record);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
