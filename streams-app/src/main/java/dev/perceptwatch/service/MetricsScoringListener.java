package dev.perceptwatch.service;

import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.observability.ServiceMetrics;
import dev.perceptwatch.topology.ScoringListener;
import java.time.Instant;

/** Reports the scoring step to the service's Prometheus metrics. */
public final class MetricsScoringListener implements ScoringListener {
    private final ServiceMetrics metrics;

    public MetricsScoringListener(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onConsumed() {
        metrics.eventConsumed();
    }

    @Override
    public void onScored(QualityScore score, Instant publishedAt) {
        metrics.eventScored(score.getModelId(), score.getModelVersion());
        metrics.scorePublished(score.getProducedAt(), publishedAt);
    }

    @Override
    public void onDeadLetter(RejectReason reason) {
        metrics.deadLetter(reason.name());
    }
}
