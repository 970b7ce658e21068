package dev.perceptwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBroker.Extension.class)
class KafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void readCommittedSeesCommittedTransactionsOnly(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopicName("transactions");
        // One partition: a read_committed consumer that has the last committed record has passed the aborted one.
        kafka.createTopics(1, topic);

        try (KafkaProducer<String, String> producer = KafkaTestClients.producer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-producer"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-3"));
            producer.commitTransaction();
        }

        assertEquals(List.of("committed-1", "committed-2", "committed-3"), values(kafka, topic, 3, "read_committed"));
        // The aborted record is in the log: only the isolation level hides it.
        assertEquals(List.of("committed-1", "committed-2", "aborted", "committed-3"),
                values(kafka, topic, 4, "read_uncommitted"));
    }

    private static List<String> values(KafkaBroker kafka, String topic, int count, String isolationLevel) {
        return KafkaTestClients.readFromBeginning(kafka.bootstrapServers(), topic, count, TIMEOUT,
                        Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel))
                .stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void acceptsRecordsUpToTheConfiguredMessageSize(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopicName("large");
        kafka.createTopics(1, topic);
        // 9 MiB: over Kafka's 1 MiB default, under the 10 MiB message.max.bytes of ops/kafka/broker.properties.
        String large = "x".repeat(9 * 1024 * 1024);

        try (KafkaProducer<String, String> producer = KafkaTestClients.producer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 10 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>(topic, "big", large)).get();
        }

        List<ConsumerRecord<String, String>> records = KafkaTestClients.readFromBeginning(
                kafka.bootstrapServers(), topic, 1, TIMEOUT, Map.of());
        assertEquals(1, records.size());
        assertEquals(large.length(), records.get(0).value().length());
    }
}
