package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.Metric;
import dev.perceptwatch.aggregation.MetricSummary;
import dev.perceptwatch.aggregation.WindowAccumulator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A closed window of one key as drift detection sees it.
 *
 * @param worstEventIds per metric wire name, the worst event ids, worst first
 */
public record ClosedWindow(long start, long end, List<MetricSummary> metrics, Map<String, List<String>> worstEventIds) {

    public ClosedWindow {
        metrics = List.copyOf(metrics);
        worstEventIds = Map.copyOf(worstEventIds);
    }

    public static ClosedWindow of(long start, long end, WindowAccumulator window) {
        Map<String, List<String>> worst = new TreeMap<>();
        for (Metric metric : Metric.values()) {
            worst.put(metric.wireName(), window.worstEventIds(metric));
        }
        return new ClosedWindow(start, end, window.summaries(), worst);
    }
}
