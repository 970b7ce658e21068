package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading pending records back by position from a real broker, as a restarted task does. */
@ExtendWith(KafkaBroker.Extension.class)
class InputReplayTest {
    private static final long T0 = TestEvents.RECENT.toEpochMilli();

    @Test
    void readsTheRecordsAtThePositionsAskedWithKeysHeadersAndTimestamps(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopicName("replay");
        kafka.createTopics(2, topic);
        produce(kafka, topic, 2, 6);

        List<InputPosition> asked = List.of(new InputPosition(topic, 1, 2), new InputPosition(topic, 0, 0),
                new InputPosition(topic, 0, 4));
        try (InputReplay replay = replayOf(kafka, Duration.ofSeconds(30))) {
            InputReplay.Replayed replayed = replay.read(asked);

            assertEquals(List.of(), replayed.missing());
            assertEquals(asked, replayed.records().stream().map(PendingRecord::position).toList(), "in the order asked");
            for (PendingRecord record : replayed.records()) {
                String name = record.partition() + "-" + record.offset();
                assertArrayEquals(utf8("key-" + name), record.key());
                assertArrayEquals(utf8("value-" + name), record.value());
                assertEquals(T0 + record.offset(), record.timestamp());
                assertEquals(1, record.headers().size());
                assertEquals("trace", record.headers().get(0).key());
                assertArrayEquals(utf8("trace-" + name), record.headers().get(0).value());
            }
        }
    }

    @Test
    void reportsPositionsThatRetentionDeletedAsMissing(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopicName("replay-deleted");
        kafka.createTopics(1, topic);
        produce(kafka, topic, 1, 4);
        TopicPartition partition = new TopicPartition(topic, 0);
        kafka.admin().deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(2))).all().get();

        assertReadsBackOnly(kafka, new InputPosition(topic, 0, 3), new InputPosition(topic, 0, 1));
    }

    @Test
    void reportsPositionsPastTheEndOfARecreatedTopicAsMissing(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopicName("replay-recreated");
        kafka.createTopics(1, topic);
        produce(kafka, topic, 1, 2);

        assertReadsBackOnly(kafka, new InputPosition(topic, 0, 1), new InputPosition(topic, 0, 5));
    }

    /** Asks for both positions: {@code present} is read back, {@code missing} reported missing. */
    private static void assertReadsBackOnly(KafkaBroker kafka, InputPosition present, InputPosition missing) {
        try (InputReplay replay = replayOf(kafka, Duration.ofSeconds(30))) {
            InputReplay.Replayed replayed = replay.read(List.of(present, missing));

            assertEquals(List.of(missing), replayed.missing());
            assertEquals(List.of(present), replayed.records().stream().map(PendingRecord::position).toList());
        }
    }

    private static InputReplay replayOf(KafkaBroker kafka, Duration timeout) {
        return InputReplay.forTask(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "replay-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2), "0_1", timeout);
    }

    /**
     * {@code perPartition} records on each of the topic's {@code partitions}, named by partition and offset.
     * The count is given, not described: right after creation the broker may not know the topic yet, and
     * only the producer waits for its metadata.
     */
    private static void produce(KafkaBroker kafka, String topic, int partitions, int perPartition) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int offset = 0; offset < perPartition; offset++) {
                    String name = partition + "-" + offset;
                    producer.send(new ProducerRecord<>(topic, partition, T0 + offset, utf8("key-" + name),
                            utf8("value-" + name), List.of(new RecordHeader("trace", utf8("trace-" + name))))).get();
                }
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
