package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.PairScores;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Offline scoring throughput, shared by the benchmarks: sample pairs scored with several in flight. */
final class ScoringLoop {
    private ScoringLoop() {
    }

    /** The sample pairs over and over, in order. */
    static Supplier<EncodedImages> cycling(List<SamplePairs.Sample> samples) {
        long[] next = {0};
        return () -> {
            SamplePairs.Sample sample = samples.get((int) (next[0]++ % samples.size()));
            return new EncodedImages(sample.generated(), "generated", sample.reference(), "reference");
        };
    }

    /**
     * Keeps {@code inFlight} pairs in flight, as the stream does, taking them from {@code pairs}, until
     * {@code maxPairs} are scored or {@code maxSeconds} have passed (then waits for those in flight); returns
     * completed pairs per second. A pair that fails to score fails the measurement.
     */
    static double pairsPerSecond(EncodedPairScorer scorer, Supplier<EncodedImages> pairs, int inFlight,
                                 long maxPairs, double maxSeconds) {
        Deque<CompletableFuture<PairScores>> pending = new ArrayDeque<>();
        long start = System.nanoTime();
        long deadline = start + (long) (maxSeconds * 1e9);
        long submitted = 0;
        long scored = 0;
        while (scored < maxPairs && System.nanoTime() < deadline) {
            while (pending.size() < inFlight && submitted < maxPairs) {
                submitted++;
                pending.add(scorer.score(pairs.get(), false));
            }
            pending.poll().join();
            scored++;
        }
        // The pairs still in flight at the deadline are waited for inside the measured time, so they count.
        for (CompletableFuture<PairScores> inFlightAtEnd : pending) {
            inFlightAtEnd.join();
            scored++;
        }
        return scored / ((System.nanoTime() - start) / 1e9);
    }
}
