package dev.perceptwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.PairScores;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One output record per scored pair, as CSV (header first) or JSON lines. A metric that was not computed is
 * empty (CSV) or null (JSON); PSNR of identical images is {@code inf} in CSV and the string
 * {@code "Infinity"} in JSON, which has no literal for it.
 */
final class ScoreRecordWriter {
    enum Format { csv, jsonl }

    private static final List<String> COLUMNS = List.of("generated", "reference", "lpips", "feature_distance",
            "mse", "psnr", "ssim", "ms_ssim", "width", "height");

    private final Format format;
    private final PrintWriter out;
    private final ObjectMapper json = new ObjectMapper();

    ScoreRecordWriter(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
        if (format == Format.csv) {
            out.println(String.join(",", COLUMNS));
        }
    }

    void write(String generated, String reference, PairScores scores) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("generated", generated);
        record.put("reference", reference);
        for (Metric metric : Metric.values()) {
            record.put(metric.label(), scores.value(metric));
        }
        record.put("width", scores.width());
        record.put("height", scores.height());
        out.println(format == Format.csv ? csvLine(record) : jsonLine(record));
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
