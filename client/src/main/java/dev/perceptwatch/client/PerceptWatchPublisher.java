package dev.perceptwatch.client;

import dev.perceptwatch.contract.EventContract;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ReferenceImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes generation events and reference images to PerceptWatch: an idempotent Kafka producer
 * ({@code acks=all}, {@code enable.idempotence=true}, {@code max.request.size} 10 MiB to carry images)
 * with the schema registry serde. Records are keyed by event_id, so events spread over all partitions;
 * references are keyed by reference_id on the compacted references topic.
 *
 * <pre>{@code
 * try (PerceptWatchPublisher publisher = PerceptWatchPublisher.builder("kafka:9092", "http://registry:8081")
 *         .kafkaProperty("security.protocol", "SASL_SSL")   // any Kafka producer setting
 *         .build()) {
 *     publisher.publish(GenerationEvents.inline("sdxl-faces", "v7", generatedPng, referencePng).build())
 *         .whenComplete((metadata, error) -> ...);
 * }
 * }</pre>
 *
 * Every problem with one record (an event breaking the contract, the registry refusing its schema, the
 * broker refusing it) fails that record's future; nothing is thrown from {@code publish}. Thread-safe.
 */
public final class PerceptWatchPublisher implements AutoCloseable {

  /**
   * The broker's {@code message.max.bytes} in the project's setups: images travel inside records. The
   * service and the benchmarks size their clients with it too.
   */
  public static final int MAX_RECORD_BYTES = 10 * 1024 * 1024;

  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerde<GenerationEvent> events;
  private final AvroSerde<ReferenceImage> references;
  private final String generationsTopic;
  private final String referencesTopic;

  private PerceptWatchPublisher(Builder builder) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putAll(builder.kafkaProperties);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
    SchemaRegistryClient registry = new SchemaRegistryClient(builder.registryUrl);
    Map<String, Object> serdeConfig = Map.of(AvroSerde.AUTO_REGISTER_SCHEMAS, builder.autoRegisterSchemas);
    this.events = new AvroSerde<>(GenerationEvent.class, registry);
    this.events.configure(serdeConfig, false);
    this.references = new AvroSerde<>(ReferenceImage.class, registry);
    this.references.configure(serdeConfig, false);
    this.generationsTopic = builder.generationsTopic;
    this.referencesTopic = builder.referencesTopic;
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * A builder for a publisher to the brokers at {@code bootstrapServers} with the schema registry at
   * {@code registryUrl} (the Confluent API base, e.g. {@code http://127.0.0.1:8081} or Apicurio's
   * {@code .../apis/ccompat/v7}).
   */
  public static Builder builder(String bootstrapServers, String registryUrl) {
    return new Builder(bootstrapServers, registryUrl);
  }

  /** Sends the event to the generations topic, keyed by its event_id. */
  public CompletableFuture<RecordMetadata> publish(GenerationEvent event) {
    String problem = contractProblem(event);
    if (problem != null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "event " + (event == null ? null : event.getEventId()) + " breaks the contract: " + problem));
    }
    return send(generationsTopic, event.getEventId(), () -> events.serialize(generationsTopic, event));
  }

  /** Publishes (or replaces) the reference image with this id on the references topic. */
  public CompletableFuture<RecordMetadata> publishReference(String referenceId, byte[] image) {
    String idProblem = EventContract.idProblem(referenceId);
    if (idProblem != null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("reference_id " + idProblem));
    }
    ReferenceImage reference = ReferenceImage.newBuilder()
        .setReferenceId(referenceId)
        .setData(ByteBuffer.wrap(image))
        .setMediaType(MediaTypes.of(image))
        .setUpdatedAt(Instant.now())
        .build();
    return send(referencesTopic, referenceId, () -> references.serialize(referencesTopic, reference));
  }

  /** Waits until every record sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  /** Sends what is pending, then releases the producer. */
  @Override
  public void close() {
    producer.close();
  }

  private interface Encoding {
    byte[] bytes();
  }

  private CompletableFuture<RecordMetadata> send(String topic, String key, Encoding value) {
    CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, key, value.bytes()), (metadata, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(metadata);
        }
      });
    } catch (RuntimeException e) {
      // Serialization (registry down or refusing) or a closed producer: this record's failure, not the caller's.
      result.completeExceptionally(e);
    }
    return result;
  }

  /**
   * What is wrong with the event as the service would see it (EventContract, produced_at against this clock and
   * the service's default skew), or null; saves a round trip to a dead letter.
   */
  static String contractProblem(GenerationEvent event) {
    return event == null ? "it is null"
        : EventContract.problem(event, Instant.now(), EventContract.DEFAULT_MAX_FUTURE_SKEW);
  }

  /** Settings of a {@link PerceptWatchPublisher}; defaults: the default topics, schemas auto-registered. */
  public static final class Builder {
    private final String bootstrapServers;
    private final String registryUrl;
    private final Map<String, Object> kafkaProperties = new HashMap<>();
    private String generationsTopic = TopicNames.GENERATIONS;
    private String referencesTopic = TopicNames.REFERENCES;
    private boolean autoRegisterSchemas = true;

    private Builder(String bootstrapServers, String registryUrl) {
      this.bootstrapServers = bootstrapServers;
      this.registryUrl = registryUrl;
    }

    /** A Kafka producer setting (SASL, TLS, client.id, ...), applied over the publisher's defaults. */
    public Builder kafkaProperty(String key, Object value) {
      kafkaProperties.put(key, value);
      return this;
    }

    public Builder kafkaProperties(Map<String, ?> properties) {
      kafkaProperties.putAll(properties);
      return this;
    }

    public Builder generationsTopic(String topic) {
      this.generationsTopic = topic;
      return this;
    }

    public Builder referencesTopic(String topic) {
      this.referencesTopic = topic;
      return this;
    }

    /** False where the schemas are registered by an administrator and producers may not register. */
    public Builder autoRegisterSchemas(boolean autoRegister) {
      this.autoRegisterSchemas = autoRegister;
      return this;
    }

    public PerceptWatchPublisher build() {
      return new PerceptWatchPublisher(this);
    }
  }
}
