package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.Severity;

import java.time.Instant;
import java.util.List;

/**
 * A change of alert state; field for field the Avro {@link DriftAlert} but its worst examples, which the drift
 * processor attaches from the window it judged.
 */
public record AlertDecision(String alertId, String modelId, String modelVersion, String segment, String metric,
                            AlertState state, Severity severity, String detector, long windowStart,
                            long windowEnd, MetricSummary observed, double baselineMean, double baselineStd,
                            double baselineP90, double statistic, double threshold, List<String> worstEventIds,
                            String summary) {

    public AlertDecision {
        worstEventIds = List.copyOf(worstEventIds);
    }

    public DriftAlert toAvro() {
        return new DriftAlert(alertId, modelId, modelVersion, segment, metric, state, severity, detector,
                Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd), observed.toAvro(),
                baselineMean, baselineStd, baselineP90, statistic, threshold, worstEventIds, summary, null);
    }
}
