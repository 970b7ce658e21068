package dev.perceptwatch.aggregation;

import dev.perceptwatch.events.MetricStats;

/**
 * One metric over one window; field for field the Avro {@link MetricStats}. {@code std} is the population
 * standard deviation; quantiles come from the DDSketch (1% relative accuracy).
 */
public record MetricSummary(String metric, long count, double mean, double std, double min, double max,
                            double p50, double p90, double p99) {

    public MetricStats toAvro() {
        return new MetricStats(metric, count, mean, std, min, max, p50, p90, p99);
    }

    public static MetricSummary fromAvro(MetricStats stats) {
        return new MetricSummary(stats.getMetric(), stats.getCount(), stats.getMean(), stats.getStd(),
                stats.getMin(), stats.getMax(), stats.getP50(), stats.getP90(), stats.getP99());
    }
}
