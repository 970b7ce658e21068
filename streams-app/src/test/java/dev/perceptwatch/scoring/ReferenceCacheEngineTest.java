package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.SizePolicy;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.testing.SharedFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoded pairs through the whole scoring engine, with the reference feature cache on and off. */
class ReferenceCacheEngineTest {

    private static ScoringEngine.Options options(List<Path> modelPath, long referenceCacheBytes) {
        return new ScoringEngine.Options("lpips-alex", null, modelPath, ScoringDevice.CPU, false, 1, 2, 4,
                Duration.ofMillis(20), 64, EnumSet.allOf(Metric.class), referenceCacheBytes);
    }

    private static EncodedPairScorer encoded(ScoringEngine engine) {
        return new EncodedPairScorer(engine, ImageLimits.defaults(), SizePolicy.REJECT, 2);
    }

    /** Three references of two sizes, each against four distorted copies, twice over, several in flight. */
    private static List<EncodedImages> pairs() {
        RgbImage astronaut = TestImages.read("astronaut.png");
        RgbImage coffee = TestImages.read("coffee.png");
        List<RgbImage> references = List.of(astronaut.crop(0, 0, 128, 128), coffee.crop(100, 50, 128, 128),
                coffee.crop(0, 0, 96, 160));
        List<EncodedImages> pairs = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int r = 0; r < references.size(); r++) {
                RgbImage reference = references.get(r);
                byte[] referencePng = ImageEncoder.png(reference);
                for (int g = 0; g < 4; g++) {
                    RgbImage generated = g % 2 == 0 ? Distortions.gaussianBlur(reference, 1 + g)
                            : Distortions.addGaussianNoise(reference, 4 * g, g);
                    pairs.add(new EncodedImages(ImageEncoder.png(generated), "generated " + r + "/" + g,
                            referencePng, "reference " + r));
                }
            }
        }
        return pairs;
    }

    private static List<PairScores> scoreAll(EncodedPairScorer scorer, List<EncodedImages> pairs) throws Exception {
        List<CompletableFuture<PairScores>> futures = new ArrayList<>();
        for (EncodedImages pair : pairs) {
            futures.add(scorer.score(pair, false));
        }
        List<PairScores> scores = new ArrayList<>();
        for (CompletableFuture<PairScores> future : futures) {
            scores.add(future.get(60, TimeUnit.SECONDS));
        }
        return scores;
    }

    private static void assertSameScores(PairScores expected, PairScores actual, String label) {
        assertEquals(expected.lpips(), actual.lpips(), 1e-6, label + " lpips");
        assertEquals(expected.featureDistance(), actual.featureDistance(),
                1e-6 * Math.max(1, expected.featureDistance()), label + " feature distance");
        for (Metric metric : List.of(Metric.MSE, Metric.PSNR, Metric.SSIM, Metric.MS_SSIM)) {
            assertEquals(expected.value(metric), actual.value(metric), label + " " + metric.label());
        }
    }

    @Test
    void cachedScoresEqualTheFullModelsAndEveryReuseHits() throws Exception {
        List<EncodedImages> pairs = pairs();
        List<Path> shared = List.of(SharedFiles.modelsDir());
        List<PairScores> full;
        try (ScoringEngine engine = ScoringEngine.open(options(shared, 0), BatchListener.NONE);
             EncodedPairScorer scorer = encoded(engine)) {
            assertTrue(engine.splitModel().isEmpty(), "scoring.reference-cache-bytes=0 turns the cache off");
            full = scoreAll(scorer, pairs);
            assertEquals(ReferenceCacheStats.OFF, engine.referenceCacheStats());
        }
        try (ScoringEngine engine = ScoringEngine.open(options(shared, 64L << 20), BatchListener.NONE);
             EncodedPairScorer scorer = encoded(engine)) {
            assertTrue(engine.splitModel().isPresent());
            List<PairScores> cached = scoreAll(scorer, pairs);
            for (int i = 0; i < pairs.size(); i++) {
                assertSameScores(full.get(i), cached.get(i), pairs.get(i).generatedName());
            }
            ReferenceCacheStats stats = engine.referenceCacheStats();
            assertEquals(pairs.size(), stats.hits() + stats.misses(), stats.toString());
            assertEquals(3, stats.entries(), "three distinct reference files: " + stats);
            // Each reference's first use runs the full model and is not cached; its second use computes its
            // features, which every later pair reuses, whether a hit or waiting for the batch computing them.
            assertEquals(3, stats.uncached(), stats.toString());
            assertEquals(3, stats.computed(), stats.toString());
            assertEquals(pairs.size() - 6, stats.reused(), stats.toString());
        }
    }

    @Test
    void theSamePixelsInOtherBytesAreAnotherEntryAndScoreTheSame() throws Exception {
        RgbImage reference = TestImages.read("chelsea.png").crop(0, 0, 128, 128);
        byte[] usual = ImageEncoder.png(reference);
        byte[] smallest = pngAtCompression(reference, 0.0f);
        assertFalse(Arrays.equals(usual, smallest), "the two encodings differ");
        byte[] generated = ImageEncoder.png(Distortions.gaussianBlur(reference, 2));
        try (ScoringEngine engine = ScoringEngine.open(options(List.of(SharedFiles.modelsDir()), 64L << 20),
                BatchListener.NONE);
             EncodedPairScorer scorer = encoded(engine)) {
            PairScores first = scorer.score(new EncodedImages(generated, "g", usual, "usual"), false)
                    .get(60, TimeUnit.SECONDS);
            PairScores second = scorer.score(new EncodedImages(generated, "g", smallest, "smallest"), false)
                    .get(60, TimeUnit.SECONDS);
            PairScores again = scorer.score(new EncodedImages(generated, "g", smallest, "smallest"), false)
                    .get(60, TimeUnit.SECONDS);
            PairScores cached = scorer.score(new EncodedImages(generated, "g", smallest, "smallest"), false)
                    .get(60, TimeUnit.SECONDS);
            assertSameScores(first, second, "other bytes");
            assertSameScores(first, again, "admitted");
            assertSameScores(first, cached, "cached");
            // Two first uses (one per encoding, not cached), the second use of 'smallest' computed, the third a hit.
            assertEquals(new ReferenceCacheStats(1, 3, 2, 1, 0, engine.referenceCacheStats().bytes(), 1, 64L << 20),
                    engine.referenceCacheStats());
        }
    }

    /** MODELS.md: LPIPS(ex_ref, ex_p0) = 0.721881 for alex, with nothing but the full model on the path. */
    @Test
    void withOnlyTheFullModelTheCacheIsOffAndScoresAreRight(@TempDir Path dir) throws Exception {
        ModelSpec spec = ModelManifest.fromClasspath().model("lpips-alex");
        Files.copy(SharedFiles.modelsDir().resolve(spec.file()), dir.resolve(spec.file()));
        try (ScoringEngine engine = ScoringEngine.open(options(List.of(dir), 64L << 20), BatchListener.NONE);
             EncodedPairScorer scorer = encoded(engine)) {
            assertTrue(engine.splitModel().isEmpty());
            PairScores scores = scorer.score(new EncodedImages(SharedFiles.imageBytes("ex_p0.png"), "p0",
                    SharedFiles.imageBytes("ex_ref.png"), "ref"), false).get(60, TimeUnit.SECONDS);
            assertEquals(0.721881, scores.lpips(), 1e-5);
            assertEquals(ReferenceCacheStats.OFF, engine.referenceCacheStats());
        }
    }

    private static byte[] pngAtCompression(RgbImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            BufferedImage rgb = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    rgb.setRGB(x, y, image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2));
                }
            }
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
