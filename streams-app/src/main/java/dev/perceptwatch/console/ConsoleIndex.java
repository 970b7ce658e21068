package dev.perceptwatch.console;

import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.events.WorstExample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console shows, read from the service's own output topics, window stats and alerts, from their
 * beginning (committed records only) and then as they arrive. Every instance reads every partition, without a
 * group, so any instance serves any page; and since the index is rebuilt from the topics at each start, a link
 * works after a restart for as long as the topics keep its records. Bounded: the last windows of each key, and
 * the newest alerts.
 */
final class ConsoleIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleIndex.class);
    static final int WINDOWS_KEPT = 30;
    static final int ALERTS_KEPT = 2000;
    static final int KEYS_KEPT = 1000;

    /** One alert episode: its FIRING record (null when retention deleted it) and its latest record. */
    record Episode(DriftAlert firing, DriftAlert latest) {
        /** The record the page describes: the FIRING one, which carries the window that fired. */
        DriftAlert shown() {
            return firing != null ? firing : latest;
        }

        boolean open() {
            return latest.getState() == AlertState.FIRING;
        }
    }

    /** A worst example found by id or position, with the window it was worst in. */
    record Found(WorstExample example, DriftKey key, String metric) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String windowStatsTopic;
    private final String alertsTopic;
    private final Deserializer<WindowStats> windowStats;
    private final Deserializer<DriftAlert> alerts;

    private final Object lock = new Object();
    private final Map<DriftKey, Deque<WindowStats>> windows = new LinkedHashMap<>();
    /** By alert id, in the order their last record arrived (oldest first). */
    private final LinkedHashMap<String, Episode> episodes = new LinkedHashMap<>(16, 0.75f, false);
    private volatile Map<TopicPartition, Long> catchUpTo;
    private volatile boolean caughtUp;
    private volatile boolean closing;
    private Thread thread;

    ConsoleIndex(Map<String, Object> consumerConfig, String windowStatsTopic, String alertsTopic,
                 Deserializer<WindowStats> windowStats, Deserializer<DriftAlert> alerts) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.windowStatsTopic = windowStatsTopic;
        this.alertsTopic = alertsTopic;
        this.windowStats = windowStats;
        this.alerts = alerts;
    }

    /** Assigns every partition of both topics from their beginning; throws when a topic does not exist. */
    void assign(Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(windowStatsTopic, alertsTopic)) {
            var infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        catchUpTo = consumer.endOffsets(partitions, timeout);
    }

    /**
     * Assigns and reads on a thread of its own until closed. A topic that does not exist yet (outputs are
     * created by their first write where the broker allows it) is looked for again every few seconds.
     */
    void start(Duration timeout) {
        thread = new Thread(() -> {
            try {
                boolean warned = false;
                while (catchUpTo == null) {
                    try {
                        assign(timeout);
                    } catch (IllegalStateException | org.apache.kafka.common.errors.TimeoutException e) {
                        if (!warned) {
                            LOG.warn("console: {}; looking again every 5 s", e.getMessage());
                            warned = true;
                        }
                        Thread.sleep(5000);
                    }
                }
                while (true) {
                    poll(Duration.ofMillis(500));
                }
            } catch (InterruptedException e) {
                // close() while waiting for the topics
            } catch (WakeupException e) {
                // close()
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                LOG.error("the console stopped reading {} and {}: {}", windowStatsTopic, alertsTopic, e.toString());
            } finally {
                // An interrupt meant for the wait for the topics must not fail the close.
                Thread.interrupted();
                consumer.close(Duration.ofSeconds(5));
            }
        }, "perceptwatch-console-index");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads until every partition is at the end it had when assigned (for the command line). */
    void catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + windowStatsTopic + " and " + alertsTopic
                        + " to their end within " + timeout.toSeconds() + " s");
            }
            poll(Duration.ofMillis(200));
        }
    }

    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            if (record.value() == null) {
                continue;
            }
            try {
                if (record.topic().equals(alertsTopic)) {
                    add(alerts.deserialize(record.topic(), record.value()));
                } else {
                    add(windowStats.deserialize(record.topic(), record.value()));
                }
            } catch (SerializationException e) {
                LOG.warn("console: skipping the unreadable record {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        if (!caughtUp && catchUpTo.entrySet().stream()
                .allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
            caughtUp = true;
        }
    }

    void add(DriftAlert alert) {
        synchronized (lock) {
            Episode before = episodes.remove(alert.getAlertId());
            DriftAlert firing = alert.getState() == AlertState.FIRING ? alert : before == null ? null : before.firing();
            episodes.put(alert.getAlertId(), new Episode(firing, alert));
            if (episodes.size() > ALERTS_KEPT) {
                // The oldest resolved episode goes first; open ones only when nothing else is left.
                String drop = episodes.entrySet().stream().filter(e -> !e.getValue().open()).map(Map.Entry::getKey)
                        .findFirst().orElse(episodes.keySet().iterator().next());
                episodes.remove(drop);
            }
        }
    }

    void add(WindowStats stats) {
        synchronized (lock) {
            DriftKey key = DriftKey.of(stats);
            Deque<WindowStats> kept = windows.get(key);
            if (kept == null) {
                if (windows.size() >= KEYS_KEPT) {
                    return;
                }
                kept = new ArrayDeque<>();
                windows.put(key, kept);
            }
            kept.addLast(stats);
            while (kept.size() > WINDOWS_KEPT) {
                kept.removeFirst();
            }
        }
    }

    boolean caughtUp() {
        return caughtUp;
    }

    Optional<Episode> episode(String alertId) {
        synchronized (lock) {
            return Optional.ofNullable(episodes.get(alertId));
        }
    }

    /** Open episodes first, then newest first. */
    List<Episode> episodes() {
        synchronized (lock) {
            List<Episode> all = new ArrayList<>(episodes.values());
            java.util.Collections.reverse(all);
            all.sort(Comparator.comparing((Episode e) -> !e.open()));
            return all;
        }
    }

    /** Each key's kept windows, oldest first, keys sorted. */
    Map<DriftKey, List<WindowStats>> windows() {
        synchronized (lock) {
            Map<DriftKey, List<WindowStats>> copy = new TreeMap<>(Comparator.comparing(DriftKey::modelId)
                    .thenComparing(DriftKey::modelVersion)
                    .thenComparing(k -> k.segment() == null ? "" : k.segment()));
            windows.forEach((key, kept) -> copy.put(key, List.copyOf(kept)));
            return copy;
        }
    }

    /** The newest kept example of this event: from an alert, else from a window. */
    Optional<Found> example(String eventId) {
        return find(example -> example.getEventId().equals(eventId));
    }

    Optional<Found> exampleAt(String topic, int partition, long offset) {
        return find(example -> topic.equals(example.getSourceTopic())
                && Integer.valueOf(partition).equals(example.getSourcePartition())
                && Long.valueOf(offset).equals(example.getSourceOffset()));
    }

    private Optional<Found> find(java.util.function.Predicate<WorstExample> wanted) {
        synchronized (lock) {
            List<Episode> newestFirst = new ArrayList<>(episodes.values());
            java.util.Collections.reverse(newestFirst);
            for (Episode episode : newestFirst) {
                for (DriftAlert alert : new DriftAlert[] {episode.latest(), episode.firing()}) {
                    if (alert != null && alert.getWorstExamples() != null) {
                        for (WorstExample example : alert.getWorstExamples()) {
                            if (wanted.test(example)) {
                                return Optional.of(new Found(example, new DriftKey(alert.getModelId(),
                                        alert.getModelVersion(), alert.getSegment()), alert.getMetric()));
                            }
                        }
                    }
                }
            }
            for (Map.Entry<DriftKey, Deque<WindowStats>> key : windows.entrySet()) {
                var newest = key.getValue().descendingIterator();
                while (newest.hasNext()) {
                    WindowStats stats = newest.next();
                    if (stats.getWorstExamples() == null) {
                        continue;
                    }
                    for (Map.Entry<String, List<WorstExample>> metric : stats.getWorstExamples().entrySet()) {
                        for (WorstExample example : metric.getValue()) {
                            if (wanted.test(example)) {
                                return Optional.of(new Found(example, key.getKey(), metric.getKey()));
                            }
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (thread == null) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        closing = true;
        consumer.wakeup();
        if (catchUpTo == null) {
            thread.interrupt();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
