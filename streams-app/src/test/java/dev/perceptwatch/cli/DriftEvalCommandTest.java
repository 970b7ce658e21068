package dev.perceptwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftEvalCommandTest {

    private static int driftEval(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("drift-eval", "--seed", "5", "--runs", "2",
                "--windows-per-run", "3", "--change-after", "1", "--clean-windows", "4", "--clean-run-length", "2",
                "--events-per-window", "20", "--out", out.toString()));
        args.addAll(List.of(more));
        return new CommandLine(new PerceptWatchCommand()).execute(args.toArray(String[]::new));
    }

    @Test
    void evaluatesTheDriftSettingsOfAConfigFile(@TempDir Path dir) throws Exception {
        // With only the naive rule enabled (same lifecycle, k = 1), "combined" must report exactly what
        // naive-threshold reports; with the default detector set, on the same streams, it does not.
        assertTrue(combinedEqualsNaive(dir, "naive-only", "drift.lpips.detectors=naive-threshold\n"));
        assertFalse(combinedEqualsNaive(dir, "defaults", ""));
    }

    private static boolean combinedEqualsNaive(Path dir, String name, String lpipsSettings) throws Exception {
        Path config = dir.resolve(name + ".properties");
        Files.writeString(config, "drift.warmup-windows=2\n" + lpipsSettings);
        Path out = dir.resolve(name + ".json");
        assertEquals(0, driftEval(out, "--config", config.toString(), "--mix-noise", "0.1"));
        Map<String, JsonNode> combined = new HashMap<>();
        Map<String, JsonNode> naive = new HashMap<>();
        for (JsonNode row : new JsonMapper().readTree(out.toFile())) {
            if (!row.path("metric").asText().equals("lpips")) {
                continue;   // the config changes lpips' detectors only
            }
            ObjectNode figures = ((ObjectNode) row).deepCopy();
            figures.remove("detector");
            switch (row.get("detector").asText()) {
                case "combined" -> combined.put(row.get("scenario").asText(), figures);
                case "naive-threshold" -> naive.put(row.get("scenario").asText(), figures);
                default -> { }
            }
        }
        assertEquals(6, combined.size());
        return combined.equals(naive);
    }

    @Test
    void writesTheSameJsonListTwiceForOneSeed(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("a/drift-eval.json");
        Path second = dir.resolve("b/drift-eval.json");
        assertEquals(0, driftEval(first));
        assertEquals(0, driftEval(second));
        assertEquals(Files.readString(first), Files.readString(second));

        JsonNode rows = new JsonMapper().readTree(first.toFile());
        assertTrue(rows.isArray());
        int lpipsRows = 0;
        for (JsonNode row : rows) {
            lpipsRows += row.path("metric").asText().equals("lpips") ? 1 : 0;
            for (String key : new String[] {"scenario", "detector", "metric", "median_delay_windows",
                    "p90_delay_windows", "false_alarms_per_10k_windows"}) {
                assertTrue(row.has(key), key + " missing in " + row);
            }
        }
        assertEquals(42, lpipsRows); // lpips: 6 scenarios x 7 detector rows; the other metrics and "any" beside
    }

    @Test
    void rejectsInconsistentOptions(@TempDir Path dir) {
        int exit = new CommandLine(new PerceptWatchCommand()).execute("drift-eval", "--windows-per-run", "5",
                "--change-after", "5", "--out", dir.resolve("x.json").toString());
        assertTrue(exit != 0);
    }
}
