package dev.perceptwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.cli.PerceptWatchCommand;
import dev.perceptwatch.testing.SharedFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench scoring} with tiny numbers: the figures it prints, not how fast this machine is. */
class ScoringBenchCommandTest {

    private static String bench(String... more) {
        StringWriter output = new StringWriter();
        List<String> args = new ArrayList<>(List.of("bench", "scoring", "--size", "64", "--batch", "2",
                "--seconds", "0.6", "--warm-up", "0.3", "--pairs", "4", "--images", SharedFiles.sharedDir().resolve("images").toString(),
                "--model-path", SharedFiles.modelsDir().toString()));
        args.addAll(List.of(more));
        int exit = new CommandLine(new PerceptWatchCommand()).setOut(new PrintWriter(output))
                .execute(args.toArray(String[]::new));
        assertEquals(0, exit, output.toString());
        return output.toString();
    }

    @Test
    void alternatesTheTwoPathsAndEndsWithTheFiguresOfThatRun() throws Exception {
        String text = bench("--rounds", "3");
        List<String> lines = text.strip().lines().toList();
        assertEquals(3, lines.stream().filter(line -> line.startsWith("round ")).count(), text);

        JsonNode figures = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        for (String key : List.of("raw_pairs_per_second", "full_pairs_per_second", "full_to_raw", "ssim_ms_per_pair",
                "decode_ms_per_image", "classic_ms_per_pair")) {
            assertTrue(figures.path(key).isNumber() && figures.get(key).asDouble() > 0, key + " in " + figures);
        }
        assertEquals(figures.get("full_pairs_per_second").asDouble() / figures.get("raw_pairs_per_second").asDouble(),
                figures.get("full_to_raw").asDouble(), 0.01);
        assertEquals("lpips-alex", figures.get("model").asText());
        assertEquals(64, figures.get("size").asInt());
        assertEquals(2, figures.get("batch").asInt());
        assertEquals(6, figures.get("metrics").size(), figures.toString());
    }

    @Test
    void measuresOnlyTheMetricsAskedFor() throws Exception {
        List<String> lines = bench("--rounds", "1", "--metrics", "lpips").strip().lines().toList();
        JsonNode figures = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("[\"lpips\"]", figures.get("metrics").toString());
    }

    @Test
    void refusesZeroRounds() {
        assertRefused("--rounds", "0");
    }

    @Test
    void refusesANegativeWarmUp() {
        assertRefused("--warm-up", "-1");
    }

    private static void assertRefused(String option, String value) {
        StringWriter errors = new StringWriter();
        int exit = new CommandLine(new PerceptWatchCommand()).setErr(new PrintWriter(errors)).execute("bench",
                "scoring", option, value, "--images", SharedFiles.sharedDir().resolve("images").toString(),
                "--model-path", SharedFiles.modelsDir().toString());
        assertNotEquals(0, exit);
        assertTrue(errors.toString().contains(option), errors.toString());
    }
}
