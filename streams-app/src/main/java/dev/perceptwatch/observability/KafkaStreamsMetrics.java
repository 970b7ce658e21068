package dev.perceptwatch.observability;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Bridges the Kafka Streams client's own metrics into the Prometheus registry. Values are read from
 * {@link KafkaStreams#metrics()} at scrape time, so nothing is copied or polled in between.
 */
final class KafkaStreamsMetrics {

    /** Kafka's consumer fetch-manager group; per-partition sensors carry the topic and partition tags. */
    static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    static final String PARTITION_LAG = "records-lag";
    /** Kafka Streams thread-level group (ThreadMetrics); latencies are in milliseconds, tag thread-id. */
    static final String THREAD_GROUP = "stream-thread-metrics";
    /** Kafka Streams task-level group (TaskMetrics), tags thread-id and task-id. */
    static final String TASK_GROUP = "stream-task-metrics";
    /** Records a task dropped: late for their window (past the grace), or without a valid timestamp or key. */
    static final String DROPPED_RECORDS = "dropped-records-total";

    /**
     * Only the main consumer of each stream thread ({@code <client>-StreamThread-<n>-consumer}) reads the
     * input partitions; restore and global consumers read changelogs and would double-report.
     */
    private static final Pattern MAIN_CONSUMER = Pattern.compile(".*-StreamThread-\\d+-consumer");
    /** Thread names embed the application's random client id, which changes on every restart. */
    private static final Pattern THREAD_SUFFIX = Pattern.compile(".*-(StreamThread-\\d+)");

    private KafkaStreamsMetrics() {
    }

    /** What the bridge reads from a Kafka Streams client; separate suppliers so tests can add Kafka sensors. */
    record Source(Supplier<Map<MetricName, ? extends Metric>> metrics,
                  Supplier<? extends Collection<ThreadMetadata>> threads,
                  Supplier<KafkaStreams.State> state) {
        static Source of(KafkaStreams streams) {
            return new Source(streams::metrics, streams::metadataForLocalThreads, streams::state);
        }
    }

    /** @param source the bound client, or null before the service has created one */
    static void register(PrometheusRegistry registry, Supplier<Source> source) {
        GaugeWithCallback.builder()
                .name("perceptwatch_kafka_consumer_lag_records")
                .help("Records between the consumer position and the log end, per input partition "
                        + "(Kafka's records-lag of each stream thread's main consumer).")
                .labelNames("topic", "partition")
                .callback(cb -> ifBound(source, s -> partitionLag(s.metrics().get())
                        .forEach((tp, lag) -> cb.call(lag, tp.topic(), tp.partition()))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("perceptwatch_streams_commit_latency_avg_seconds")
                .help("Average commit latency of each stream thread over Kafka's metric window.")
                .unit(Unit.SECONDS)
                .labelNames("thread")
                .callback(cb -> ifBound(source, s -> threadMillis(s.metrics().get(), "commit-latency-avg")
                        .forEach((thread, ms) -> cb.call(ms / 1000.0, thread))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("perceptwatch_streams_commit_latency_max_seconds")
                .help("Maximum commit latency of each stream thread over Kafka's metric window.")
                .unit(Unit.SECONDS)
                .labelNames("thread")
                .callback(cb -> ifBound(source, s -> threadMillis(s.metrics().get(), "commit-latency-max")
                        .forEach((thread, ms) -> cb.call(ms / 1000.0, thread))))
                .register(registry);
        // Per task: a task's count starts again from zero on the instance it moves to, a reset Prometheus sees.
        CounterWithCallback.builder()
                .name("perceptwatch_streams_dropped_records")
                .help("Records Kafka Streams dropped in each local task, chiefly results later than windows.grace "
                        + "for their window, which then closed without them.")
                .labelNames("task")
                .callback(cb -> ifBound(source, s -> taskTotals(s.metrics().get(), DROPPED_RECORDS)
                        .forEach((task, n) -> cb.call(n, task))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("perceptwatch_streams_threads")
                .help("Local stream threads by Kafka Streams thread state.")
                .labelNames("state")
                .callback(cb -> ifBound(source, s -> threadsByState(s.threads().get())
                        .forEach((state, n) -> cb.call(n, state))))
                .register(registry);
    }

    private static void ifBound(Supplier<Source> source, Consumer<Source> read) {
        Source bound = source.get();
        if (bound != null) {
            read.accept(bound);
        }
    }

    record TopicPartitionLabels(String topic, String partition) implements Comparable<TopicPartitionLabels> {
        @Override
        public int compareTo(TopicPartitionLabels o) {
            int byTopic = topic.compareTo(o.topic);
            return byTopic != 0 ? byTopic : Integer.compare(Integer.parseInt(partition), Integer.parseInt(o.partition));
        }
    }

    /**
     * Lag per input partition; the max wins if two threads briefly report one partition during a rebalance.
     *
     * <p>For a topic whose name holds a dot, Kafka's consumer (FetchMetricsManager in kafka-clients 4.3.1)
     * records each partition's lag twice, from the same {@code records-lag} template in the same group: once
     * tagged with the real topic and once, as a deprecated twin, with the dots replaced by underscores
     * ({@code perceptwatch_generations}). Nothing else tells them apart (same name, group and description), so
     * a metric is dropped when the same consumer also reports that partition for a dotted topic that maps to
     * its topic tag. A real topic cannot be such a twin: Kafka refuses topics whose names collide that way.
     */
    static Map<TopicPartitionLabels, Double> partitionLag(Map<MetricName, ? extends Metric> metrics) {
        Map<MetricName, Metric> inputLag = new HashMap<>();
        metrics.forEach((name, metric) -> {
            Map<String, String> tags = name.tags();
            if (FETCH_GROUP.equals(name.group()) && PARTITION_LAG.equals(name.name())
                    && tags.containsKey("topic") && tags.containsKey("partition")
                    && MAIN_CONSUMER.matcher(tags.getOrDefault("client-id", "")).matches()) {
                inputLag.put(name, metric);
            }
        });
        Set<List<String>> deprecatedTwins = inputLag.keySet().stream()
                .filter(name -> name.tags().get("topic").contains("."))
                .map(name -> consumerTopicPartition(name, name.tags().get("topic").replace('.', '_')))
                .collect(Collectors.toSet());
        Map<TopicPartitionLabels, Double> lag = new TreeMap<>();
        inputLag.forEach((name, metric) -> {
            Map<String, String> tags = name.tags();
            if (!deprecatedTwins.contains(consumerTopicPartition(name, tags.get("topic")))) {
                finite(metric).ifPresent(v -> lag.merge(
                        new TopicPartitionLabels(tags.get("topic"), tags.get("partition")), v, Math::max));
            }
        });
        return lag;
    }

    private static List<String> consumerTopicPartition(MetricName name, String topic) {
        return List.of(name.tags().get("client-id"), topic, name.tags().get("partition"));
    }

    /** A thread-level value in milliseconds per short thread name; NaN before the first commit is skipped. */
    static Map<String, Double> threadMillis(Map<MetricName, ? extends Metric> metrics, String metricName) {
        Map<String, Double> values = new TreeMap<>();
        metrics.forEach((name, metric) -> {
            String threadId = name.tags().get("thread-id");
            if (THREAD_GROUP.equals(name.group()) && metricName.equals(name.name()) && threadId != null) {
                finite(metric).ifPresent(v -> values.put(shortThreadName(threadId), v));
            }
        });
        return values;
    }

    /** A task-level metric per task id; the max wins if two threads briefly report one task in a rebalance. */
    static Map<String, Double> taskTotals(Map<MetricName, ? extends Metric> metrics, String metricName) {
        Map<String, Double> values = new TreeMap<>();
        metrics.forEach((name, metric) -> {
            String taskId = name.tags().get("task-id");
            if (TASK_GROUP.equals(name.group()) && metricName.equals(name.name()) && taskId != null) {
                finite(metric).ifPresent(v -> values.merge(taskId, v, Math::max));
            }
        });
        return values;
    }

    static Map<String, Long> threadsByState(Collection<ThreadMetadata> threads) {
        return threads.stream().collect(Collectors.groupingBy(ThreadMetadata::threadState, TreeMap::new,
                Collectors.counting()));
    }

    static String shortThreadName(String threadId) {
        Matcher m = THREAD_SUFFIX.matcher(threadId);
        return m.matches() ? m.group(1) : threadId;
    }

    private static Optional<Double> finite(Metric metric) {
        return metric.metricValue() instanceof Number n && Double.isFinite(n.doubleValue())
                ? Optional.of(n.doubleValue())
                : Optional.empty();
    }
}
