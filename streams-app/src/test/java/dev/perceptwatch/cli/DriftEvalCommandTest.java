package dev.perceptwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftEvalCommandTest {

    private static int driftEval(Path out) {
        return new CommandLine(new PerceptWatchCommand()).execute("drift-eval", "--seed", "5", "--runs", "2",
                "--windows-per-run", "3", "--change-after", "1", "--clean-windows", "4", "--clean-run-length", "2",
                "--events-per-window", "20", "--out", out.toString());
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
        assertEquals(30, rows.size());
        for (JsonNode row : rows) {
            for (String key : new String[] {"scenario", "detector", "median_delay_windows", "p90_delay_windows",
                    "false_alarms_per_10k_windows"}) {
                assertTrue(row.has(key), key + " missing in " + row);
            }
        }
    }

    @Test
    void rejectsInconsistentOptions(@TempDir Path dir) {
        int exit = new CommandLine(new PerceptWatchCommand()).execute("drift-eval", "--windows-per-run", "5",
                "--change-after", "5", "--out", dir.resolve("x.json").toString());
        assertTrue(exit != 0);
    }
}
