package dev.perceptwatch.topology;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.ingest.ImageSourceResolver;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.ingest.RejectedEventException;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.PairScores;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The event scorer of the service: resolve the images, then decode, align and score them ({@code scorer}: in
 * the service an {@code EncodedPairScorer}; where a test checks routing only, a stand-in without the model).
 */
public final class EventScoringPipeline implements EventScorer {
    private final ImageSourceResolver resolver;
    private final Function<EncodedImages, CompletableFuture<PairScores>> scorer;
    private final String scorerModel;
    private final String scorerSha256;
    private final Clock clock;

    public EventScoringPipeline(ImageSourceResolver resolver,
                                Function<EncodedImages, CompletableFuture<PairScores>> scorer, String scorerModel,
                                String scorerSha256, Clock clock) {
        this.resolver = resolver;
        this.scorer = scorer;
        this.scorerModel = scorerModel;
        this.scorerSha256 = scorerSha256;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<QualityScore> submit(GenerationEvent event, Function<String, ReferenceImage> references)
            throws RejectedEventException {
        String id = event.getEventId();
        // Fetches of uris run off the stream thread: it goes on with the next events meanwhile.
        return resolver.resolve(event, references)
                .thenCompose(pair -> scorer.apply(new EncodedImages(pair.generated(), "event " + id + " generated",
                                pair.reference(), "event " + id + " reference"))
                        .thenApply(scores -> toScore(event, pair.referenceId(), scores)))
                .handle((score, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(rejection(failure));
                    }
                    return score;
                });
    }

    private static RejectedEventException rejection(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RejectedEventException rejected) {
            return rejected;
        }
        if (cause instanceof ImageRejectedException image) {
            return new RejectedEventException(image.reason(), image.getMessage(), image);
        }
        return new RejectedEventException(RejectReason.SCORING_FAILED, String.valueOf(cause), cause);
    }

    private QualityScore toScore(GenerationEvent event, String referenceId, PairScores scores) {
        return QualityScore.newBuilder()
                .setEventId(event.getEventId())
                .setModelId(event.getModelId())
                .setModelVersion(event.getModelVersion())
                .setAttributes(event.getAttributes())
                .setProducedAt(event.getProducedAt())
                .setScoredAt(clock.instant())
                .setReferenceId(referenceId)
                .setLpips(scores.lpips())
                .setFeatureDistance(scores.featureDistance())
                .setMse(scores.classic().mse())
                .setPsnr(scores.classic().psnr())
                .setSsim(scores.classic().ssim())
                .setMsSsim(scores.classic().msSsim())
                .setWidth(scores.width())
                .setHeight(scores.height())
                .setScorerModel(scorerModel)
                .setScorerSha256(scorerSha256)
                .setGeneratedUri(event.getGenerated().getUri())
                .setReferenceUri(event.getReference().getUri())
                .build();
    }
}
