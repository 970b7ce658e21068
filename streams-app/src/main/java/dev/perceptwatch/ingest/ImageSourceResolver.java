package dev.perceptwatch.ingest;

import dev.perceptwatch.contract.EventContract;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.ReferenceImage;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Checks a {@link GenerationEvent} against the contract and turns its two image sources into encoded bytes:
 * inline data as is, a uri through the {@link ImageFetcher}, a reference_id from the references table.
 *
 * @param maxFutureSkew how far ahead of {@code clock} a produced_at may be
 */
public record ImageSourceResolver(ImageFetcher fetcher, Duration maxFutureSkew, Clock clock) {

    /** The encoded images of one event; {@code referenceId} is set when the reference came from the table. */
    public record EncodedPair(byte[] generated, byte[] reference, String referenceId) {
    }

    /**
     * Checks the event now and returns its images: at once when both are inline or references, when fetched
     * for uris. A fetch that fails fails the future with a {@link RejectedEventException}.
     *
     * @param references looks a reference_id up; returns null when there is none
     * @throws RejectedEventException when the event breaks the contract or names an unknown reference
     */
    public CompletableFuture<EncodedPair> resolve(GenerationEvent event, Function<String, ReferenceImage> references)
            throws RejectedEventException {
        String problem = EventContract.problem(event, clock.instant(), maxFutureSkew);
        if (problem != null) {
            throw new RejectedEventException(RejectReason.BAD_EVENT, "event " + event.getEventId() + ": " + problem);
        }
        ImageSource reference = event.getReference();
        CompletableFuture<byte[]> generatedBytes = bytesOf(event.getGenerated(), event, references);
        CompletableFuture<byte[]> referenceBytes = bytesOf(reference, event, references);
        return generatedBytes.thenCombine(referenceBytes,
                (generatedImage, referenceImage) -> new EncodedPair(generatedImage, referenceImage,
                        reference.getReferenceId()));
    }

    /** The source's bytes; it has exactly one of data, uri, reference_id (EventContract). */
    private CompletableFuture<byte[]> bytesOf(ImageSource source, GenerationEvent event,
                                              Function<String, ReferenceImage> references)
            throws RejectedEventException {
        if (source.getData() != null) {
            return CompletableFuture.completedFuture(toArray(source.getData()));
        }
        if (source.getUri() != null) {
            return fetcher.fetch(source.getUri());
        }
        ReferenceImage image = references.apply(source.getReferenceId());
        if (image == null) {
            throw new RejectedEventException(RejectReason.MISSING_REFERENCE, "event " + event.getEventId()
                    + ": reference_id '" + source.getReferenceId() + "' is not on the references topic");
        }
        return CompletableFuture.completedFuture(toArray(image.getData()));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
