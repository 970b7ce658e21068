package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.testing.SharedFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perceptwatch score}, the README's headline command, run as main runs it, on the upstream LPIPS
 * example images. Known answers: LPIPS and feature_mse from MODELS.md ("Example-image distances", alex);
 * MSE and PSNR (data range 255) computed independently with numpy over the 8-bit RGB arrays of the PNGs
 * ({@code ((p - ref)**2).mean()} in float64): ex_p0 1019.8263346354166 / 18.0455413845 dB, ex_p1
 * 2668.8818359375 / 13.8675101493 dB.
 */
class ScoreCommandTest {
    private static final double LPIPS_TOLERANCE = 1e-5;
    private static final Map<String, double[]> EXPECTED = Map.of(
            // lpips, feature_distance, mse, psnr
            "p0.png", new double[] {0.721881, 4.826556, 1019.8263346354166, 18.045541384500503},
            "p1.png", new double[] {0.137566, 2.206010, 2668.8818359375, 13.86751014932157});

    @TempDir
    Path dir;

    @Test
    void csvHasAHeaderAndOneRecordPerPairWithTheKnownScores() throws IOException {
        Path generated = generatedDirectory();
        CommandRun run = CommandRun.of("score", "--generated", generated.toString(),
                "--reference", SharedFiles.image("ex_ref.png").toString(), "--model-path", models());

        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.outLines();
        assertEquals("generated,reference,lpips,feature_distance,mse,psnr,ssim,ms_ssim,width,height", lines.get(0));
        assertEquals(3, lines.size(), run.out());
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = Arrays.asList(line.split(",", -1));
            String name = Path.of(fields.get(0)).getFileName().toString();
            assertEquals(SharedFiles.image("ex_ref.png").toString(), fields.get(1));
            assertKnownScores(name, Double.parseDouble(fields.get(2)), Double.parseDouble(fields.get(3)),
                    Double.parseDouble(fields.get(4)), Double.parseDouble(fields.get(5)));
            double ssim = Double.parseDouble(fields.get(6));
            assertTrue(ssim > -1 && ssim < 1, line);
            assertEquals("", fields.get(7), "MS-SSIM needs 161 px, the images are 64 px: " + line);
            assertEquals(List.of("64", "64"), fields.subList(8, 10));
        }
        assertTrue(run.err().contains("scored 2 of 2 pairs in "), run.err());
        assertTrue(run.err().lines().anyMatch(line -> line.startsWith("scored ") && line.endsWith("; 0 failed")),
                run.err());
    }

    @Test
    void jsonlWithHeatmapsWritesOneRecordAndOnePngOfTheGeneratedImagesSizePerPair() throws IOException {
        Path generated = generatedDirectory();
        Path heatmaps = dir.resolve("heatmaps");
        CommandRun run = CommandRun.of("score", "--generated", generated.toString(),
                "--reference", SharedFiles.image("ex_ref.png").toString(), "--model-path", models(),
                "--format", "jsonl", "--heatmaps", heatmaps.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(2, run.outLines().size(), run.out());
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> records = new HashMap<>();
        for (String line : run.outLines()) {
            JsonNode record = json.readTree(line);
            records.put(Path.of(record.path("generated").asText()).getFileName().toString(), record);
        }
        assertEquals(EXPECTED.keySet(), records.keySet());
        records.forEach((name, record) -> {
            assertKnownScores(name, record.path("lpips").asDouble(), record.path("feature_distance").asDouble(),
                    record.path("mse").asDouble(), record.path("psnr").asDouble());
            assertTrue(record.path("ms_ssim").isNull(), record.toString());
            assertEquals(64, record.path("width").asInt());
        });
        for (String name : List.of("p0", "p1")) {
            BufferedImage heatmap = ImageIO.read(heatmaps.resolve(name + ".heatmap.png").toFile());
            assertNotNull(heatmap, name + ".heatmap.png is not a PNG");
            assertEquals(List.of(64, 64), List.of(heatmap.getWidth(), heatmap.getHeight()));
        }
    }

    @Test
    void aBadPairPrintsItsErrorAndTheRunGoesOnWithExitCode1() throws IOException {
        Path generated = generatedDirectory();
        Path broken = Files.write(generated.resolve("broken.png"), Arrays.copyOf(SharedFiles.imageBytes("ex_p0.png"), 40));
        CommandRun run = CommandRun.of("score", "--generated", generated.toString(),
                "--reference", SharedFiles.image("ex_ref.png").toString(), "--model-path", models());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(3, run.outLines().size(), "the header and the two good pairs: " + run.out());
        List<String> errors = run.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), run.err());
        assertTrue(errors.get(0).startsWith("error: " + broken + ": "), errors.get(0));
        assertTrue(run.err().contains("scored 2 of 3 pairs in "), run.err());
        assertTrue(run.err().lines().anyMatch(line -> line.startsWith("scored ") && line.endsWith("; 1 failed")),
                run.err());
    }

    private static void assertKnownScores(String name, double lpips, double featureDistance, double mse, double psnr) {
        double[] expected = EXPECTED.get(name);
        assertNotNull(expected, name);
        assertEquals(expected[0], lpips, LPIPS_TOLERANCE, name + " lpips");
        assertEquals(expected[1], featureDistance, LPIPS_TOLERANCE * expected[1], name + " feature_distance");
        assertEquals(expected[2], mse, 1e-9 * expected[2], name + " mse");
        assertEquals(expected[3], psnr, 1e-9 * expected[3], name + " psnr");
    }

    /** p0.png and p1.png, the upstream example's two distortions, both scored against ex_ref.png. */
    private Path generatedDirectory() throws IOException {
        Path generated = Files.createDirectories(dir.resolve("generated"));
        Files.copy(SharedFiles.image("ex_p0.png"), generated.resolve("p0.png"));
        Files.copy(SharedFiles.image("ex_p1.png"), generated.resolve("p1.png"));
        return generated;
    }

    private static String models() {
        return SharedFiles.modelsDir().toString();
    }
}
