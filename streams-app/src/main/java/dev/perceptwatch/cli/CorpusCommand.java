package dev.perceptwatch.cli;

import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.commandline.ScoringOptions;
import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.RgbImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A corpus of real image pairs for drift-eval's replay: seeded crops of photographs, each written as the reference
 * of a healthy pair (a mild distortion, what a healthy model's outputs differ by) and of a changed pair (the same
 * kind of distortion, stronger: a degraded model on the same prompts).
 */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = {"Writes seeded pairs of real photo crops for drift-eval --healthy/--changed:",
                "OUT/healthy/{reference,generated}/NNNNN.png with one mild distortion each (JPEG quality 70-95,",
                "blur sigma 0.3-1.0 or noise sigma 1-4), OUT/changed/... with the same crops distorted more",
                "(JPEG 15-35, blur 1.5-2.5 or noise 8-14). Then scores both streams into OUT/healthy.jsonl and",
                "OUT/changed.jsonl (as score --format jsonl writes them), ready for drift-eval.",
                "Exit code 1 when any pair failed to score."})
final class CorpusCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "../shared/images", paramLabel = "DIR",
            description = "Photographs to crop (default ${DEFAULT-VALUE}); files that are not images are skipped.")
    Path images;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the pairs go.")
    Path out;
    @Option(names = "--pairs", defaultValue = "300", description = "Pairs per stream (default ${DEFAULT-VALUE}).")
    int pairs;
    @Option(names = "--size", defaultValue = "192",
            description = "Crop side in pixels (default ${DEFAULT-VALUE}; MS-SSIM needs at least 161).")
    int size;
    @Option(names = "--seed", defaultValue = "1", description = "Same seed, same corpus (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--no-score", description = "Only write the pairs; score them later with score --format jsonl.")
    boolean imagesOnly;
    @Mixin
    ScoringOptions scoring;
    @Spec
    CommandSpec spec;

    private static final List<String> STREAMS = List.of("healthy", "changed");

    /** A distortion kind with its mild (healthy) and strong (changed) parameter ranges. */
    enum Distortion {
        JPEG(70, 95, 15, 35), BLUR(0.3, 1.0, 1.5, 2.5), NOISE(1, 4, 8, 14);

        private final double mildLow;
        private final double mildHigh;
        private final double strongLow;
        private final double strongHigh;

        Distortion(double mildLow, double mildHigh, double strongLow, double strongHigh) {
            this.mildLow = mildLow;
            this.mildHigh = mildHigh;
            this.strongLow = strongLow;
            this.strongHigh = strongHigh;
        }

        RgbImage apply(RgbImage image, boolean strong, UniformRandomProvider rng) {
            double low = strong ? strongLow : mildLow;
            double amount = low + rng.nextDouble() * ((strong ? strongHigh : mildHigh) - low);
            return switch (this) {
                case JPEG -> Distortions.jpegReencode(image, (int) Math.round(amount));
                case BLUR -> Distortions.gaussianBlur(image, amount);
                case NOISE -> Distortions.addGaussianNoise(image, amount, rng.nextLong());
            };
        }
    }

    @Override
    public Integer call() throws IOException {
        if (pairs < 1 || size < 8) {
            throw new IllegalArgumentException("--pairs must be at least 1 and --size at least 8");
        }
        List<RgbImage> photos = SamplePairs.photos(images).stream()
                .filter(p -> p.width() >= size && p.height() >= size).toList();
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("no image in " + images + " is at least " + size + "x" + size
                    + "; pass --images DIR or a smaller --size");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (imagesOnly) {
            writePairs(photos, err);
            return 0;
        }
        // The models are found (or their absence reported) before a minute goes into cutting the corpus.
        try (PairScoringRun run = new PairScoringRun(scoring, err)) {
            writePairs(photos, err);
            return scoreStreams(run, err);
        }
    }

    private void writePairs(List<RgbImage> photos, PrintWriter err) throws IOException {
        // A Long seed is expanded by SplitMix64, so that nearby seeds (1, 2, ...) give unrelated corpora.
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        for (String stream : STREAMS) {
            Files.createDirectories(out.resolve(stream).resolve("reference"));
            Files.createDirectories(out.resolve(stream).resolve("generated"));
        }
        for (int i = 0; i < pairs; i++) {
            RgbImage photo = photos.get(rng.nextInt(photos.size()));
            RgbImage crop = photo.crop(rng.nextInt(photo.width() - size + 1), rng.nextInt(photo.height() - size + 1),
                    size, size);
            Distortion distortion = Distortion.values()[rng.nextInt(Distortion.values().length)];
            String name = String.format(Locale.ROOT, "%05d.png", i);
            byte[] reference = ImageEncoder.png(crop);
            for (boolean strong : new boolean[] {false, true}) {
                Path dir = out.resolve(strong ? "changed" : "healthy");
                Files.write(dir.resolve("reference").resolve(name), reference);
                Files.write(dir.resolve("generated").resolve(name),
                        ImageEncoder.png(distortion.apply(crop, strong, rng)));
            }
        }
        err.printf(Locale.ROOT, "corpus: %d healthy and %d changed pairs of %dx%d crops from %d photos in %s%n",
                pairs, pairs, size, size, photos.size(), out);
        err.flush();
    }

    /** Scores each stream into OUT/STREAM.jsonl; 1 when any pair failed. */
    private int scoreStreams(PairScoringRun run, PrintWriter err) throws IOException {
        int failed = 0;
        for (String stream : STREAMS) {
            Path generated = out.resolve(stream).resolve("generated");
            Path reference = out.resolve(stream).resolve("reference");
            Path records = out.resolve(stream + ".jsonl");
            try (BufferedWriter file = Files.newBufferedWriter(records)) {
                ScoreRecordWriter writer = new ScoreRecordWriter(ScoreRecordWriter.Format.jsonl, line -> {
                    try {
                        file.write(line);
                        file.newLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + records + ": " + e.getMessage(), e);
                    }
                });
                failed += run.score(PairFiles.list(generated, reference), reference, writer, null, true);
            }
            err.println("corpus: " + stream + " scores in " + records);
        }
        return failed > 0 ? 1 : 0;
    }
}
