package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perceptwatch score} computes a reused reference's features once, on its second use (the reference feature
 * cache), and its scores are those of the full model, which it runs for every pair with the cache off.
 */
class ScoreCommandReferenceCacheTest {

    private static final List<String> GENERATED = List.of("ex_p0.png", "ex_p1.png", "ex_ref.png");
    private static final List<String> METRICS = List.of("lpips", "feature_distance", "mse", "psnr", "ssim", "ms_ssim");

    /** A bound of its own, whatever the test JVM's heap makes the default. */
    private static final String CACHE_BYTES = String.valueOf(64L << 20);

    private record Run(Map<String, JsonNode> records, String err) {
    }

    @Test
    void oneReferenceAgainstADirectoryComputesItsFeaturesOnce(@TempDir Path dir) throws IOException {
        Path generated = copies(dir.resolve("generated"), 2);
        Path reference = SharedFiles.image("ex_ref.png");

        Run cached = score(generated, reference, "--reference-cache-bytes", CACHE_BYTES);
        Run full = score(generated, reference, "--reference-cache-bytes", "0");

        assertTrue(cached.err().contains("reference feature cache: 4 pairs reused a reference's features,"
                + " 1 references computed"), cached.err());
        assertFalse(full.err().contains("reference feature cache:"), full.err());
        assertSameScores(full, cached);
    }

    @Test
    void directoriesWhoseReferencesHaveTheSameContentShareOneEntry(@TempDir Path dir) throws IOException {
        Path generated = copies(dir.resolve("generated"), 1);
        Path references = Files.createDirectories(dir.resolve("references"));
        for (String name : GENERATED) {
            // Three files of other names, one content: keyed by content, they are one cache entry.
            Files.copy(SharedFiles.image("ex_ref.png"), references.resolve(name));
        }

        Run cached = score(generated, references, "--reference-cache-bytes", CACHE_BYTES);
        Run full = score(generated, references, "--reference-cache-bytes", "0");

        assertTrue(cached.err().contains("1 pairs reused a reference's features, 1 references computed"), cached.err());
        assertSameScores(full, cached);
    }

    /** The sample images as generated images, each {@code times} times under different names. */
    private static Path copies(Path dir, int times) throws IOException {
        Files.createDirectories(dir);
        for (int copy = 0; copy < times; copy++) {
            for (String name : GENERATED) {
                Files.copy(SharedFiles.image(name), dir.resolve(copy == 0 ? name : copy + "_" + name));
            }
        }
        return dir;
    }

    private static void assertSameScores(Run expected, Run actual) {
        assertEquals(expected.records().keySet(), actual.records().keySet());
        expected.records().forEach((file, record) -> {
            for (String metric : METRICS) {
                JsonNode want = record.get(metric);
                JsonNode got = actual.records().get(file).get(metric);
                if (want.isTextual()) {
                    assertEquals(want, got, file + " " + metric);
                } else {
                    assertEquals(want.asDouble(), got.asDouble(), 1e-6, file + " " + metric);
                }
            }
        });
    }

    /** Runs the command in-process: its records on its out, its summary on its err. */
    private static Run score(Path generated, Path reference, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("score", "--generated", generated.toString(), "--reference",
                reference.toString(), "--format", "jsonl", "--model-path", SharedFiles.modelsDir().toString()));
        args.addAll(List.of(more));
        CommandRun run = CommandRun.of(args.toArray(String[]::new));
        String errText = run.err();
        assertEquals(0, run.exitCode(), errText);
        Map<String, JsonNode> records = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : run.out().strip().split("\n")) {
            JsonNode record = json.readTree(line);
            records.put(Path.of(record.get("generated").asText()).getFileName().toString(), record);
        }
        assertEquals(generated.toFile().list().length, records.size(), errText);
        return new Run(records, errText);
    }
}
