package dev.perceptwatch.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Reads input records back by position: after a restart, the records of the pending store, consumed and
 * committed but never published. A plain consumer with the settings Kafka Streams gives its restore consumer
 * (no group, read_committed under exactly-once, the {@code consumer.} and {@code restore.consumer.}
 * overrides, security included).
 */
final class InputReplay implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    /** What was read back, in the order asked, and the positions the input topic no longer holds. */
    record Replayed(List<PendingRecord> records, List<InputPosition> missing) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;

    InputReplay(Map<String, Object> consumerConfig, Duration timeout) {
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.timeout = timeout;
    }

    /** The replay of one task of the application configured by {@code appConfigs}. */
    static InputReplay forTask(Map<String, Object> appConfigs, String taskId, Duration timeout) {
        StreamsConfig config = new StreamsConfig(appConfigs);
        return new InputReplay(config.getRestoreConsumerConfigs(
                config.getString(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + taskId + "-pending-replay"), timeout);
    }

    /**
     * Reads the records at {@code positions}. A position outside its partition's log (before its start, or
     * past its end when the topic was recreated) or in a gap of it is missing: the record was deleted while
     * the service was down.
     *
     * @throws StreamsException when the records cannot be read within the timeout
     */
    Replayed read(Collection<InputPosition> positions) {
        Map<TopicPartition, NavigableSet<Long>> wanted = new HashMap<>();
        for (InputPosition position : positions) {
            wanted.computeIfAbsent(new TopicPartition(position.topic(), position.partition()), tp -> new TreeSet<>())
                    .add(position.offset());
        }
        consumer.assign(wanted.keySet());
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(wanted.keySet(), timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(wanted.keySet(), timeout);
        List<InputPosition> missing = new ArrayList<>();
        Map<InputPosition, PendingRecord> found = new HashMap<>();
        for (Map.Entry<TopicPartition, NavigableSet<Long>> partition : wanted.entrySet()) {
            NavigableSet<Long> offsets = partition.getValue();
            for (NavigableSet<Long> outside : List.of(offsets.headSet(starts.get(partition.getKey()), false),
                    offsets.tailSet(ends.get(partition.getKey()), true))) {
                outside.forEach(offset -> missing.add(position(partition.getKey(), offset)));
                outside.clear();
            }
            if (!offsets.isEmpty()) {
                consumer.seek(partition.getKey(), offsets.first());
            }
        }
        wanted.values().removeIf(NavigableSet::isEmpty);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!wanted.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new StreamsException("could not read back " + wanted + " from the input within " + timeout
                        + " to score them again");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                NavigableSet<Long> offsets = wanted.get(partition);
                if (offsets != null && offsets.remove(record.offset())) {
                    found.put(position(partition, record.offset()), pending(record));
                }
            }
            for (TopicPartition partition : List.copyOf(wanted.keySet())) {
                // Offsets the consumer has passed without a record are gone (e.g. compacted away).
                NavigableSet<Long> passed = wanted.get(partition).headSet(consumer.position(partition), false);
                passed.forEach(offset -> missing.add(position(partition, offset)));
                passed.clear();
                if (wanted.get(partition).isEmpty()) {
                    wanted.remove(partition);
                    consumer.pause(List.of(partition));
                }
            }
        }
        List<PendingRecord> records = new ArrayList<>();
        for (InputPosition position : positions) {
            PendingRecord record = found.get(position);
            if (record != null) {
                records.add(record);
            }
        }
        return new Replayed(records, missing);
    }

    private static InputPosition position(TopicPartition partition, long offset) {
        return new InputPosition(partition.topic(), partition.partition(), offset);
    }

    private static PendingRecord pending(ConsumerRecord<byte[], byte[]> record) {
        return new PendingRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value(), List.<Header>of(record.headers().toArray()));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
