package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.drift.eval.ReplayScores;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** corpus: seeded crops, healthy pairs distorted mildly, the same crops distorted more in the changed stream. */
class CorpusCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesSeededHealthyAndChangedPairsOfTheSameCrops() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("photo.png"), ImageEncoder.png(texture(96, 80)));
        Files.writeString(images.resolve("README.md"), "not an image");

        assertEquals(0, corpus(images, dir.resolve("a"), "7"));
        assertEquals(0, corpus(images, dir.resolve("b"), "7"));
        assertEquals(0, corpus(images, dir.resolve("c"), "8"));

        int sameAsOtherSeed = 0;
        double healthyError = 0;
        double changedError = 0;
        for (int i = 0; i < 12; i++) {
            String name = String.format("%05d.png", i);
            byte[] reference = Files.readAllBytes(dir.resolve("a/healthy/reference").resolve(name));
            assertArrayEquals(reference, Files.readAllBytes(dir.resolve("a/changed/reference").resolve(name)),
                    "both streams share the crop");
            assertArrayEquals(Files.readAllBytes(dir.resolve("a/changed/generated").resolve(name)),
                    Files.readAllBytes(dir.resolve("b/changed/generated").resolve(name)), "same seed, same corpus");
            assertEquals(32, decode(reference).width());
            if (java.util.Arrays.equals(reference, Files.readAllBytes(dir.resolve("c/healthy/reference").resolve(name)))) {
                sameAsOtherSeed++;
            }
            healthyError += mse(reference, Files.readAllBytes(dir.resolve("a/healthy/generated").resolve(name)));
            changedError += mse(reference, Files.readAllBytes(dir.resolve("a/changed/generated").resolve(name)));
        }
        assertTrue(changedError > 2 * healthyError, healthyError + " vs " + changedError);
        assertTrue(healthyError > 0, "a healthy pair is not a copy");
        assertTrue(sameAsOtherSeed < 3, "another seed, other crops: " + sameAsOtherSeed + " of 12 the same");
    }

    /**
     * Without --no-score the two streams are scored into OUT/healthy.jsonl and OUT/changed.jsonl, a record per
     * pair, which drift-eval's replay reader reads; the stronger distortions score worse on LPIPS.
     */
    @Test
    void scoresBothStreamsIntoJsonLinesTheReplayReads() throws Exception {
        Path out = dir.resolve("scored");

        CommandRun run = scoredCorpus(out, 64, SharedFiles.modelsDir());

        assertEquals(0, run.exitCode(), run.toString());
        List<QualityScore> healthy = ReplayScores.read(out.resolve("healthy.jsonl"));
        List<QualityScore> changed = ReplayScores.read(out.resolve("changed.jsonl"));
        assertEquals(4, healthy.size());
        assertEquals(4, changed.size());
        assertEquals(out.resolve("healthy/generated/00000.png").toString(),
                new ObjectMapper().readTree(Files.readAllLines(out.resolve("healthy.jsonl")).get(0))
                        .get("generated").asText(), "records name their pair");
        double healthyLpips = healthy.stream().mapToDouble(QualityScore::getLpips).sum();
        double changedLpips = changed.stream().mapToDouble(QualityScore::getLpips).sum();
        assertTrue(healthyLpips > 0 && changedLpips > 2 * healthyLpips, healthyLpips + " vs " + changedLpips);
        assertTrue(run.err().contains("corpus: changed scores in " + out.resolve("changed.jsonl")), run.err());
    }

    @Test
    void withoutTheModelsItFailsInOneLineBeforeCuttingAnyPair() throws Exception {
        Path out = dir.resolve("unscored");

        CommandRun run = scoredCorpus(out, 32, Files.createDirectories(dir.resolve("no-models")));

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().strip().startsWith("error: model 'lpips-alex': file lpips_alex_v0.1.onnx not found"),
                run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(Files.notExists(out), "nothing cut");
    }

    @Test
    void noPhotoLargeEnoughIsAClearError() throws Exception {
        Path images = Files.createDirectories(dir.resolve("small"));
        Files.write(images.resolve("tiny.png"), ImageEncoder.png(texture(16, 16)));
        CommandLine command = new CommandLine(new CorpusCommand()).setExecutionExceptionHandler(new ErrorHandler());
        java.io.StringWriter err = new java.io.StringWriter();
        command.setErr(new java.io.PrintWriter(err));
        assertEquals(2, command.execute("--images", images.toString(), "--out", dir.resolve("o").toString(),
                "--size", "32"));
        assertEquals("error: no image in " + images + " is at least 32x32; pass --images DIR or a smaller --size",
                err.toString().strip());
    }

    /** Four pairs of one photo's crops of {@code size}, scored with the models in {@code models}. */
    private CommandRun scoredCorpus(Path out, int size, Path models) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("photo.png"), ImageEncoder.png(texture(160, 120)));
        return CommandRun.of("corpus", "--images", images.toString(), "--out", out.toString(), "--pairs", "4",
                "--size", String.valueOf(size), "--seed", "3", "--model-path", models.toString());
    }

    private static int corpus(Path images, Path out, String seed) {
        return new CommandLine(new CorpusCommand()).execute("--images", images.toString(), "--out", out.toString(),
                "--pairs", "12", "--size", "32", "--seed", seed, "--no-score");
    }

    /** Smooth gradients plus seeded detail, so that blur, JPEG and noise all change it. */
    private static RgbImage texture(int width, int height) {
        Random random = new Random(3);
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.length; i++) {
            int pixel = i / 3;
            rgb[i] = (byte) ((pixel % width) * 2 + (pixel / width) + random.nextInt(16));
        }
        return new RgbImage(width, height, rgb);
    }

    private static RgbImage decode(byte[] png) throws Exception {
        return ImageDecoder.decode(png, "test", ImageLimits.defaults());
    }

    private static double mse(byte[] a, byte[] b) throws Exception {
        byte[] x = decode(a).rgb();
        byte[] y = decode(b).rgb();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] & 0xff) - (y[i] & 0xff);
            sum += d * d;
        }
        return sum / x.length;
    }
}
