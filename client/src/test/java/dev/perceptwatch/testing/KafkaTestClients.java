package dev.perceptwatch.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain string producers and consumers for tests against a real broker. */
public final class KafkaTestClients {

    private KafkaTestClients() {
    }

    /** A producer of string keys and values; {@code extra} adds or overrides settings. */
    public static KafkaProducer<String, String> producer(String bootstrapServers, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    /**
     * Reads the topic from its beginning, in a new consumer group, until {@code count} records arrived or
     * the timeout passed, and returns what it read (so a test can report what it got instead of hanging).
     */
    public static List<ConsumerRecord<String, String>> readFromBeginning(
            String bootstrapServers, String topic, int count, Duration timeout, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.putIfAbsent(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return readFromBeginning(bootstrapServers, topic, count, timeout, config, null, null);
    }

    /** As above, with deserializer instances (e.g. a configured schema registry serde). */
    public static <K, V> List<ConsumerRecord<K, V>> readFromBeginning(String bootstrapServers, String topic, int count,
            Duration timeout, Deserializer<K> keys, Deserializer<V> values) {
        return readFromBeginning(bootstrapServers, topic, count, timeout, Map.of(), keys, values);
    }

    private static <K, V> List<ConsumerRecord<K, V>> readFromBeginning(String bootstrapServers, String topic, int count,
            Duration timeout, Map<String, Object> extra, Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putAll(extra);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            consumer.subscribe(List.of(topic));
            while (records.size() < count && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
