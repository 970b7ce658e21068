package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.ImagePair;
import dev.perceptwatch.scoring.classic.ClassicMetric;
import dev.perceptwatch.scoring.classic.ClassicMetrics;
import dev.perceptwatch.scoring.classic.ClassicScores;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Scores aligned pairs: the perceptual metrics through the shared {@link MicroBatcher}, the classic ones on
 * the calling thread while the pair waits for its batch. Thread-safe; one per service instance.
 */
public final class PairScorer {
    private final MicroBatcher batcher;
    private final ReferenceFeatureCache references;
    private final Set<Metric> metrics;
    private final Set<ClassicMetric> classic;
    private final boolean perceptual;

    /** @param references the reference feature cache, or null when it is off */
    PairScorer(MicroBatcher batcher, ReferenceFeatureCache references, Set<Metric> metrics) {
        this.batcher = batcher;
        this.references = references;
        this.metrics = Set.copyOf(metrics);
        this.classic = Metric.classicOf(metrics);
        this.perceptual = metrics.stream().anyMatch(Metric::perceptual);
    }

    public Set<Metric> metrics() {
        return metrics;
    }

    /** The smallest width and height a pair may have: the model's, when the perceptual metrics are wanted. */
    int minInputSide() {
        return perceptual ? batcher.minInputSide() : 1;
    }

    /** The cache of reference features, or null when it is off or no perceptual metric is wanted. */
    ReferenceFeatureCache references() {
        return perceptual ? references : null;
    }

    /**
     * Queues the pair for its batch (blocking while the batcher is full: back-pressure), then computes the
     * classic metrics here, so both run at once.
     *
     * @param reference the reference's entry in {@link #references()}, or null not to reuse its features
     */
    CompletableFuture<PairScores> score(ImagePair pair, CachedReference reference, boolean wantSpatial)
            throws InterruptedException {
        int width = pair.reference().width();
        int height = pair.reference().height();
        CompletableFuture<PerceptualScore> lpips = perceptual
                ? batcher.submit(new LpipsPair(pair.generated(), pair.reference(), wantSpatial, reference))
                : CompletableFuture.completedFuture(null);
        ClassicScores classicScores = classic.isEmpty()
                ? new ClassicScores(null, null, null, null)
                : ClassicMetrics.compute(pair.generated(), pair.reference(), EnumSet.copyOf(classic));
        return lpips.thenApply(score -> new PairScores(score, classicScores, width, height));
    }
}
