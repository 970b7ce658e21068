package dev.perceptwatch.drift;

import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.aggregation.MetricSummary;
import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.events.WindowStats;

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
        for (MetricSummary summary : window.summaries()) {
            worst.put(summary.metric(), window.worstEventIds(Metric.parse(summary.metric())));
        }
        return new ClosedWindow(start, end, window.summaries(), worst);
    }

    /** The window as read back from perceptwatch.window-stats (after the repartition to the drift stage). */
    public static ClosedWindow of(WindowStats stats) {
        return new ClosedWindow(stats.getWindowStart().toEpochMilli(), stats.getWindowEnd().toEpochMilli(),
                stats.getMetrics().stream().map(MetricSummary::fromAvro).toList(), stats.getWorstEventIds());
    }
}
