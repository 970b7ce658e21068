package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImagePair;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.SizePolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores pairs of encoded images: decoding, alignment and the classic metrics run on a small pool of prep
 * threads, the perceptual metrics in the shared batcher. Used by the offline scorer and by the stream alike,
 * so both give the same numbers for the same bytes.
 *
 * <p>With the reference feature cache on, the reference's bytes are hashed first: when the cache has them, the
 * reference is neither decoded again nor run through the backbone.
 */
public final class EncodedPairScorer implements AutoCloseable {

    /** One pair of encoded images; the names appear in error messages. */
    public record EncodedImages(byte[] generated, String generatedName, byte[] reference, String referenceName) {
    }

    private final PairScorer scorer;
    private final ImageLimits limits;
    private final SizePolicy sizePolicy;
    private final ExecutorService prep;

    public EncodedPairScorer(PairScorer scorer, ImageLimits limits, SizePolicy sizePolicy, int prepThreads) {
        this.scorer = scorer;
        // Refused from the header, as IMAGE_TOO_SMALL, rather than failing in the model after decoding.
        this.limits = limits.atLeast(scorer.minInputSide());
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
                ReferenceFeatureCache cache = wantSpatial ? null : scorer.references();
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
                return scorer.score(pair, cached, wantSpatial);
            } catch (ImageRejectedException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, prep).thenCompose(scores -> scores);
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
