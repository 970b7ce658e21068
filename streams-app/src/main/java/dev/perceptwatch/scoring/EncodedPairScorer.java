package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImagePair;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.SizePolicy;
import dev.perceptwatch.scoring.classic.ClassicMetric;
import dev.perceptwatch.scoring.classic.ClassicMetrics;
import dev.perceptwatch.scoring.classic.ClassicScores;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores pairs of encoded images: decoding, alignment and the classic metrics run on a small pool of prep
 * threads, the perceptual metrics in the engine's shared batcher (the prep thread computes the classic metrics
 * while its pair waits for its batch). Used by the offline scorer and by the stream alike, so both give the
 * same numbers for the same bytes. Thread-safe.
 *
 * <p>With the reference feature cache on, the reference's bytes are hashed first: when the cache has them, the
 * reference is neither decoded again nor run through the backbone.
 */
public final class EncodedPairScorer implements AutoCloseable {

    /** One pair of encoded images; the names appear in error messages. */
    public record EncodedImages(byte[] generated, String generatedName, byte[] reference, String referenceName) {
    }

    private final MicroBatcher batcher;
    /** The reference feature cache; null when it is off or no perceptual metric is wanted. */
    private final ReferenceFeatureCache references;
    private final Set<ClassicMetric> classic;
    private final boolean perceptual;
    private final ImageLimits limits;
    private final SizePolicy sizePolicy;
    private final ExecutorService prep;

    /** A scorer in front of {@code engine}, for the engine's metrics; close it before the engine. */
    public EncodedPairScorer(ScoringEngine engine, ImageLimits limits, SizePolicy sizePolicy, int prepThreads) {
        this.batcher = engine.batcher();
        this.classic = Metric.classicOf(engine.metrics());
        this.perceptual = engine.metrics().stream().anyMatch(Metric::perceptual);
        this.references = perceptual ? engine.references() : null;
        // Refused from the header, as IMAGE_TOO_SMALL, rather than failing in the model after decoding.
        this.limits = limits.atLeast(perceptual ? batcher.minInputSide() : 1);
        this.sizePolicy = sizePolicy;
        AtomicInteger count = new AtomicInteger();
        this.prep = Executors.newFixedThreadPool(prepThreads, task -> {
            Thread thread = new Thread(task, "perceptwatch-prep-" + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The pair's scores. The future fails with a {@link CompletionException} whose cause is an
     * {@link ImageRejectedException} when an image cannot be decoded, is over the limits or the sizes do not
     * match, or a {@link ScoringException} / other runtime exception when the model fails.
     */
    public CompletableFuture<PairScores> score(EncodedImages images, boolean wantSpatial) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ReferenceFeatureCache cache = wantSpatial ? null : references;
                ContentDigest key = cache == null ? null : ContentDigest.of(images.reference());
                CachedReference cached = key == null ? null : cache.get(key);
                RgbImage generated = ImageDecoder.decode(images.generated(), images.generatedName(), limits);
                RgbImage reference = cached != null ? cached.image()
                        : ImageDecoder.decode(images.reference(), images.referenceName(), limits);
                if (key != null && cached == null) {
                    cached = cache.entryFor(key, reference);
                    // Another thread may have decoded the same bytes first: its entry, and image, win.
                    reference = cached != null ? cached.image() : reference;
                }
                ImagePair pair = ImagePair.align(generated, reference, sizePolicy, images.generatedName());
                return score(pair, cached, wantSpatial);
            } catch (ImageRejectedException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, prep).thenCompose(scores -> scores);
    }

    /**
     * Queues the aligned pair for its batch (blocking while the batcher is full: back-pressure), then computes
     * the classic metrics here, so both run at once.
     *
     * @param reference the reference's entry in the feature cache, or null not to reuse its features
     */
    private CompletableFuture<PairScores> score(ImagePair pair, CachedReference reference, boolean wantSpatial)
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

    @Override
    public void close() {
        prep.shutdownNow();
        try {
            prep.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
