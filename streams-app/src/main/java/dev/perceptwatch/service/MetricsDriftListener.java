package dev.perceptwatch.service;

import dev.perceptwatch.drift.Baseline;
import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.observability.ServiceMetrics;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.topology.DriftListener;
import java.util.Collection;

/**
 * Reports windows, baselines and drift states to Prometheus. Segmented keys stay on the topics only: a
 * segment is a free-form attribute and would make the label set unbounded.
 */
public final class MetricsDriftListener implements DriftListener {
    private final ServiceMetrics metrics;

    public MetricsDriftListener(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onRestored(DriftKey key, DriftState state) {
        report(key, state);
    }

    @Override
    public void onWindow(WindowStats window, DriftState state) {
        metrics.windowClosed(window);
        report(DriftKey.of(window), state);
    }

    @Override
    public void onAlert(DriftAlert alert) {
        metrics.driftAlert(alert);
    }

    @Override
    public void onClosed(Collection<DriftKey> keys) {
        keys.stream().filter(key -> key.segment() == null)
                .forEach(key -> metrics.forgetModelVersion(key.modelId(), key.modelVersion()));
    }

    @Override
    public void onRetired(Collection<DriftKey> keys) {
        keys.stream().filter(key -> key.segment() == null)
                .forEach(key -> metrics.retireModelVersion(key.modelId(), key.modelVersion()));
    }

    private void report(DriftKey key, DriftState state) {
        if (key.segment() != null) {
            return;
        }
        for (Metric metric : Metric.values()) {
            Baseline baseline = state.baseline(metric.label());
            if (baseline != null) {
                metrics.baseline(key.modelId(), key.modelVersion(), metric.label(), baseline.mean(), baseline.std());
                metrics.driftState(key.modelId(), key.modelVersion(), metric.label(),
                        state.firingSeverity(metric.label()));
            } else {
                metrics.noBaseline(key.modelId(), key.modelVersion(), metric.label());
            }
        }
    }
}
