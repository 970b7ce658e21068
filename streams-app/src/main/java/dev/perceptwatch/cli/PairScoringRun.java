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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Scores lists of file pairs through one engine (the models load once): each pair's record in order, or its
 * error on stderr, then the progress summary. {@code score} runs one list, {@code corpus} one per stream.
 */
final class PairScoringRun implements AutoCloseable {

    private record Work(PairFiles.FilePair files, CompletableFuture<PairScores> scores) {
    }

    private final ScoringEngine engine;
    private final EncodedPairScorer scorer;
    /** Enough pairs in flight to fill several batches, few enough to bound memory. */
    private final int inFlightLimit;
    private final PrintWriter err;

    PairScoringRun(ScoringOptions scoring, PrintWriter err) {
        this.engine = scoring.openEngine(BatchListener.NONE);
        try {
            this.scorer = scoring.encodedScorer(engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        this.inFlightLimit = 4 * scoring.engineOptions().batchSize();
        this.err = err;
    }

    /**
     * Scores {@code pairs} and writes each record; returns how many failed.
     *
     * @param referenceSource what the references were listed from, named when a pair has none
     * @param heatmaps        an existing directory for each pair's LPIPS map as a PNG, or null for none
     * @param progressBar     whether to draw the bar (a directory of pairs) or only the summary
     */
    int score(List<PairFiles.FilePair> pairs, Path referenceSource, ScoreRecordWriter writer, Path heatmaps,
              boolean progressBar) throws IOException {
        Progress progress = new Progress(err, pairs.size(), progressBar);
        long started = System.nanoTime();
        int failed = 0;
        Deque<Work> inFlight = new ArrayDeque<>();
        for (PairFiles.FilePair pair : pairs) {
            inFlight.add(new Work(pair, submit(pair, referenceSource, heatmaps != null)));
            if (inFlight.size() >= inFlightLimit) {
                failed += finish(inFlight.poll(), writer, heatmaps, progress);
            }
        }
        while (!inFlight.isEmpty()) {
            failed += finish(inFlight.poll(), writer, heatmaps, progress);
        }
        progress.done(failed, System.nanoTime() - started);
        return failed;
    }

    ReferenceCacheStats referenceCacheStats() {
        return engine.referenceCacheStats();
    }

    @Override
    public void close() {
        try (engine) {
            scorer.close();
        }
    }

    private CompletableFuture<PairScores> submit(PairFiles.FilePair pair, Path referenceSource, boolean spatialMap) {
        if (pair.reference() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "no reference named " + pair.generated().getFileName() + " in " + referenceSource));
        }
        try {
            EncodedImages images = new EncodedImages(Files.readAllBytes(pair.generated()),
                    pair.generated().toString(), Files.readAllBytes(pair.reference()), pair.reference().toString());
            return scorer.score(images, spatialMap);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Writes one pair's record (or its error); returns 1 when it failed. */
    private int finish(Work work, ScoreRecordWriter writer, Path heatmaps, Progress progress) {
        try {
            PairScores scores = work.scores().join();
            writer.write(work.files().generated().toString(), work.files().reference().toString(), scores);
            if (heatmaps != null && scores.perceptual() != null && scores.perceptual().spatialMap() != null) {
                writeHeatmap(heatmaps, work.files().generated(), scores);
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

    private static void writeHeatmap(Path heatmaps, Path generatedFile, PairScores scores) throws IOException {
        String name = generatedFile.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".heatmap.png";
        Files.write(heatmaps.resolve(name), ImageEncoder.png(Heatmap.render(
                scores.perceptual().spatialMap(), scores.width(), scores.height())));
    }
}
