package dev.perceptwatch.bench;

import java.util.Collection;

/** Latencies of a set of events (nearest-rank percentiles, milliseconds) and when the last result was read. */
record LatencySummary(long p50, long p99, long max, long lastReadMillis) {

    static LatencySummary of(Collection<ScoreCollector.Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            throw new IllegalArgumentException("no arrivals to summarise");
        }
        long[] sorted = arrivals.stream().mapToLong(ScoreCollector.Arrival::latencyMillis).sorted().toArray();
        long lastRead = arrivals.stream().mapToLong(ScoreCollector.Arrival::readAtMillis).max().orElseThrow();
        return new LatencySummary(rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1], lastRead);
    }

    /** {@code events} per second, from {@code startMillis} until the last of them was read. */
    double eventsPerSecondSince(long startMillis, int events) {
        return events / ((lastReadMillis - startMillis) / 1000.0);
    }

    private static long rank(long[] sorted, double quantile) {
        return sorted[(int) Math.ceil(quantile * sorted.length) - 1];
    }
}
