package dev.perceptwatch.topology;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.ingest.RejectedEventException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Turns one event into its score. What can be checked at once (the contract, the reference lookup) throws
 * {@link RejectedEventException} synchronously, on the stream thread; decoding and scoring run elsewhere and
 * complete the future, exceptionally with a {@link RejectedEventException} when the pair cannot be scored.
 */
@FunctionalInterface
public interface EventScorer {
    CompletableFuture<QualityScore> submit(GenerationEvent event, Function<String, ReferenceImage> references)
            throws RejectedEventException;
}
