package dev.perceptwatch.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Topics read as a downstream consumer reads them ({@code read_committed}: only what the service's transactions
 * committed), from the beginning of every partition, assigned rather than subscribed: no group to join, and a
 * run's or a test's topics are its own, so the beginning is everything. Keys as text, values as bytes for the
 * caller's deserializer.
 */
public final class CommittedReads {
    private CommittedReads() {
    }

    public static KafkaConsumer<String, byte[]> fromBeginning(String bootstrap, Collection<String> topics) {
        return fromBeginning(bootstrap, topics, Map.of());
    }

    /** @param settings further consumer settings (a larger fetch for records that carry images) */
    public static KafkaConsumer<String, byte[]> fromBeginning(String bootstrap, Collection<String> topics,
                                                             Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }
}
