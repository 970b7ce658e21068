package dev.perceptwatch.console;

import dev.perceptwatch.events.GenerationEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one generation event back by its position: assign, seek, one record, committed records only, at
 * most {@code maxBytes} fetched, and only on the generations topic: a position is a request's input, and
 * no other topic (alerts, scores, another team's, Kafka's internal ones) is ever read through it. A few consumers are kept for reuse (a new one costs a metadata round trip);
 * each is used by one request at a time. Never on a stream thread: the console's own.
 */
final class GenerationReader implements AutoCloseable {

    enum Status { FOUND, REFUSED, DELETED, NOT_WRITTEN, NOT_COMMITTED, TOO_LARGE, UNREADABLE, UNAVAILABLE }

    /** The event, or why there is none, in a sentence for the page. */
    record Read(Status status, GenerationEvent event, String sentence) {
        static Read found(GenerationEvent event) {
            return new Read(Status.FOUND, event, null);
        }

        static Read missing(Status status, String sentence) {
            return new Read(status, null, sentence);
        }
    }

    private final Map<String, Object> config;
    private final String generationsTopic;
    private final Deserializer<GenerationEvent> events;
    private final long maxBytes;
    private final Duration timeout;
    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> idle;
    private volatile boolean closed;

    GenerationReader(Map<String, Object> consumerConfig, String generationsTopic, Deserializer<GenerationEvent> events,
                     long maxBytes, Duration timeout, int keep) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // A fetch returns at least one whole batch even when it is larger: producers batch image events
        // alone at their size, so these bound a fetch to about one record.
        int fetchBytes = (int) Math.min(Integer.MAX_VALUE, maxBytes);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchBytes);
        this.config = config;
        this.generationsTopic = generationsTopic;
        this.events = events;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.idle = new ArrayBlockingQueue<>(keep);
    }

    Read read(String topic, int partition, long offset) {
        if (!generationsTopic.equals(topic)) {
            return Read.missing(Status.REFUSED, "The console reads events only from the generations topic ("
                    + generationsTopic + "), not from '" + topic + "'.");
        }
        if (partition < 0 || offset < 0) {
            return Read.missing(Status.NOT_WRITTEN, "There is no record at " + partition + "@" + offset
                    + ": partitions and offsets start at 0.");
        }
        KafkaConsumer<byte[], byte[]> consumer = idle.poll();
        if (consumer == null) {
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        boolean reusable = false;
        try {
            Read read = read(consumer, new TopicPartition(topic, partition), offset);
            reusable = true;
            return read;
        } catch (KafkaException e) {
            return Read.missing(Status.UNAVAILABLE, "Kafka could not be read: " + e.getMessage());
        } finally {
            consumer.unsubscribe();
            if (!reusable || closed || !idle.offer(consumer)) {
                consumer.close(Duration.ofSeconds(2));
            }
        }
    }

    private Read read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long offset) {
        String at = partition + "@" + offset;
        List<TopicPartition> one = List.of(partition);
        if (consumer.partitionsFor(partition.topic(), timeout).stream()
                .noneMatch(info -> info.partition() == partition.partition())) {
            return Read.missing(Status.NOT_WRITTEN, "There is no partition " + partition + ".");
        }
        long start = consumer.beginningOffsets(one, timeout).get(partition);
        if (offset < start) {
            return Read.missing(Status.DELETED, "The record at " + at + " was deleted by the topic's retention"
                    + " (the partition now starts at offset " + start + ").");
        }
        long end = consumer.endOffsets(one, timeout).get(partition);
        if (offset >= end) {
            return Read.missing(Status.NOT_WRITTEN, "There is no record at " + at + " (the partition ends at offset "
                    + end + ").");
        }
        consumer.assign(one);
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.offset() != offset) {
                    break;
                }
                return decode(record, at);
            }
            if (consumer.position(partition) > offset) {
                // read_committed skipped it: an aborted transaction's record, or a transaction marker.
                return Read.missing(Status.NOT_COMMITTED, "The offset " + at + " holds no committed record.");
            }
        }
        return Read.missing(Status.UNAVAILABLE, "The record at " + at + " could not be read within "
                + timeout.toSeconds() + " s.");
    }

    private Read decode(ConsumerRecord<byte[], byte[]> record, String at) {
        if (record.value() == null) {
            return Read.missing(Status.UNREADABLE, "The record at " + at + " has no value.");
        }
        if (record.value().length > maxBytes) {
            return Read.missing(Status.TOO_LARGE, "The record at " + at + " has " + record.value().length
                    + " bytes, more than the console reads (" + maxBytes + ").");
        }
        try {
            return Read.found(events.deserialize(record.topic(), record.value()));
        } catch (SerializationException e) {
            return Read.missing(Status.UNREADABLE, "The record at " + at + " is not a generation event: "
                    + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> consumer;
        while ((consumer = idle.poll()) != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
