package dev.perceptwatch.cli;

import dev.perceptwatch.commandline.ScoringOptions;
import dev.perceptwatch.imaging.Heatmap;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.PairScores;
import dev.perceptwatch.scoring.ReferenceCacheStats;
import dev.perceptwatch.scoring.ScoringEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Scores generated images against their references, offline.",
                "Two files, a directory against one reference file, or two directories paired by file name.",
                "Prints one record per pair on stdout; errors, progress and a summary go to stderr.",
                "Exit code 1 when any pair failed."})
final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--generated", required = true, paramLabel = "FILE|DIR", description = "Generated image(s).")
    Path generated;
    @Option(names = "--reference", required = true, paramLabel = "FILE|DIR", description = "Reference image(s).")
    Path reference;
    @Option(names = "--format", defaultValue = "csv", description = "csv (default) or jsonl.")
    ScoreRecordWriter.Format format;
    @Option(names = "--heatmaps", paramLabel = "DIR", description = "Also write each pair's LPIPS spatial map as a PNG heatmap here.")
    Path heatmaps;
    @Mixin
    ScoringOptions scoring;
    @Spec
    CommandSpec spec;

    private record Work(PairFiles.FilePair files, CompletableFuture<PairScores> scores) {
    }

    @Override
    public Integer call() throws IOException {
        List<PairFiles.FilePair> pairs = PairFiles.list(generated, reference);
        PrintWriter err = spec.commandLine().getErr();
        if (heatmaps != null) {
            Files.createDirectories(heatmaps);
        }
        Progress progress = new Progress(err, pairs.size(), Files.isDirectory(generated));
        int failed = 0;
        long started;
        ReferenceCacheStats cache;
        try (ScoringEngine engine = scoring.openEngine(BatchListener.NONE);
             EncodedPairScorer scorer = scoring.encodedScorer(engine)) {
            started = System.nanoTime();
            ScoreRecordWriter writer = new ScoreRecordWriter(format, spec.commandLine().getOut()::println);
            // Enough pairs in flight to fill several batches, few enough to bound memory.
            int window = 4 * scoring.engineOptions().batchSize();
            Deque<Work> inFlight = new ArrayDeque<>();
            for (PairFiles.FilePair pair : pairs) {
                inFlight.add(new Work(pair, submit(scorer, pair)));
                if (inFlight.size() >= window) {
                    failed += finish(inFlight.poll(), writer, err, progress);
                }
            }
            while (!inFlight.isEmpty()) {
                failed += finish(inFlight.poll(), writer, err, progress);
            }
            cache = engine.referenceCacheStats();
        }
        progress.done(failed, System.nanoTime() - started);
        if (cache.maxBytes() > 0) {
            err.printf("reference feature cache: %d pairs reused a reference's features, %d references computed%n",
                    cache.reused(), cache.computed());
        }
        spec.commandLine().getOut().flush();
        return failed > 0 ? 1 : 0;
    }

    private CompletableFuture<PairScores> submit(EncodedPairScorer scorer, PairFiles.FilePair pair) {
        if (pair.reference() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "no reference named " + pair.generated().getFileName() + " in " + reference));
        }
        try {
            EncodedImages images = new EncodedImages(Files.readAllBytes(pair.generated()),
                    pair.generated().toString(), Files.readAllBytes(pair.reference()), pair.reference().toString());
            return scorer.score(images, heatmaps != null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Writes one pair's record (or its error); returns 1 when it failed. */
    private int finish(Work work, ScoreRecordWriter writer, PrintWriter err, Progress progress) {
        try {
            PairScores scores = work.scores().join();
            writer.write(work.files().generated().toString(), work.files().reference().toString(), scores);
            if (heatmaps != null && scores.perceptual() != null && scores.perceptual().spatialMap() != null) {
                writeHeatmap(work.files().generated(), scores);
            }
            progress.advance(false);
            return 0;
        } catch (CompletionException | IOException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            progress.clearLine();
            err.println("error: " + work.files().generated() + ": " + describe(cause));
            progress.advance(true);
            return 1;
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private void writeHeatmap(Path generatedFile, PairScores scores) throws IOException {
        String name = generatedFile.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".heatmap.png";
        Files.write(heatmaps.resolve(name), ImageEncoder.png(Heatmap.render(
                scores.perceptual().spatialMap(), scores.width(), scores.height())));
    }
}
