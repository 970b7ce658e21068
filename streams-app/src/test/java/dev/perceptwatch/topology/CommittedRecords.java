package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.fail;

import dev.perceptwatch.bench.CommittedReads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The values of one output topic, read from the beginning with {@code isolation.level=read_committed}, as a
 * downstream consumer sees them (window stats, alerts).
 */
final class CommittedRecords<V extends SpecificRecord> implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Admin admin;
    private final String topic;
    private final Deserializer<V> reader;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<V> values = new ArrayList<>();

    CommittedRecords(String bootstrapServers, AvroSerdes serdes, String topic, Class<V> type) {
        this.topic = topic;
        this.consumer = CommittedReads.fromBeginning(bootstrapServers, List.of(topic));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.reader = serdes.valueSerde(type).deserializer();
        partitions.addAll(consumer.assignment());
    }

    /** Everything read so far, after reading what is there now. */
    List<V> read() {
        consumer.poll(POLL).forEach(record -> values.add(reader.deserialize(topic, record.value())));
        return List.copyOf(values);
    }

    /** Reads until {@code done} holds for what was read, or the timeout passes; whether it holds. */
    boolean await(Predicate<List<V>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(read())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    /** Reads everything committed, once no transaction on the topic is open (see PipelineOutputs.readToEnd). */
    List<V> readToEnd(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> stable = TopicOffsets.stableEnd(admin, partitions, deadline);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < stable.get(p))) {
            if (System.nanoTime() > deadline) {
                fail("could not read " + topic + " to " + stable + " in " + timeout);
            }
            read();
        }
        return List.copyOf(values);
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
