package dev.perceptwatch.topology;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ReferenceImage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Publishes a test's input as model teams do: Avro with the registry serde, through an idempotent producer.
 * Every generation record is keyed by its event id, so that even a record that is not Avro at all can be
 * recognised on the dead-letter topic (by its original key).
 */
final class PipelineInput implements AutoCloseable {
    private final PipelineTopics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<GenerationEvent> events;
    private final Serializer<ReferenceImage> references;

    /** {@code overrides} adds or replaces producer settings (e.g. a longer delivery.timeout.ms). */
    PipelineInput(String bootstrapServers, AvroSerdes serdes, PipelineTopics topics, Map<String, Object> overrides) {
        this.topics = topics;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PerceptWatchPublisher.MAX_RECORD_BYTES);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(overrides);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.events = serdes.valueSerde(GenerationEvent.class).serializer();
        this.references = serdes.valueSerde(ReferenceImage.class).serializer();
    }

    /** Publishes the reference and waits for the broker's acknowledgement. */
    void reference(ReferenceImage reference) throws InterruptedException, ExecutionException {
        producer.send(new ProducerRecord<>(topics.references(), utf8(reference.getReferenceId().toString()),
                references.serialize(topics.references(), reference))).get();
    }

    Future<RecordMetadata> send(GenerationEvent event) {
        return sendRaw(event.getEventId(), avro(event));
    }

    /** A generation record with any value: bad input that is not a well-formed event. */
    Future<RecordMetadata> sendRaw(String eventId, byte[] value) {
        return sendRaw(eventId, value, null);
    }

    /** A generation record to a chosen partition of the topic (null: by the key, as {@link #sendRaw}). */
    Future<RecordMetadata> sendRaw(String eventId, byte[] value, Integer partition) {
        return producer.send(new ProducerRecord<>(topics.generations(), partition, utf8(eventId), value));
    }

    byte[] avro(GenerationEvent event) {
        return events.serialize(topics.generations(), event);
    }

    void flush() {
        producer.flush();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
