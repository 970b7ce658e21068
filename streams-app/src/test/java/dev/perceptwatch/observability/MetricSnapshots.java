package dev.perceptwatch.observability;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import java.util.Map;
import java.util.stream.Collectors;

/** For tests of other packages: reads a {@link ServiceMetrics}' gauges without an HTTP server. */
public final class MetricSnapshots {

    private MetricSnapshots() {
    }

    /** The values of the gauge's series, by the value of {@code label} (unique per series). */
    public static Map<String, Double> gauge(ServiceMetrics metrics, String name, String label) {
        return metrics.registry().scrape().stream()
                .filter(snapshot -> snapshot.getMetadata().getName().equals(name))
                .flatMap(snapshot -> ((GaugeSnapshot) snapshot).getDataPoints().stream())
                .collect(Collectors.toMap(point -> point.getLabels().get(label), GaugeDataPointSnapshot::getValue));
    }
}
