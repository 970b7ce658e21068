package dev.perceptwatch.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.testing.Buffers;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.KafkaTestClients;
import dev.perceptwatch.testing.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
class PerceptWatchPublisherTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  // The first bytes of a PNG and a JPEG file: enough for the media type, which is all the publisher reads.
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 9, 8, 7};

  @Test
  void publishedEventsReadBackEqualAndKeyedByEventId(KafkaBroker kafka, SchemaRegistry.Server registry) throws Exception {
    String topic = kafka.uniqueTopicName("generations");
    kafka.createTopics(3, topic);
    GenerationEvent inline = GenerationEvents.inline("sdxl-faces", "v7", PNG, JPEG)
        .setAttributes(Map.of("prompt_set", "portraits")).build();
    GenerationEvent byUri = GenerationEvents.uris("sd15-landscapes", "v3", "file:///data/g.png", "https://img/r.png").build();
    GenerationEvent byId = GenerationEvents.withReferenceId("sdxl-faces", "v7", PNG, "portrait-1").build();

    List<RecordMetadata> sent = new ArrayList<>();
    try (PerceptWatchPublisher publisher = publisher(kafka, registry, topic, kafka.uniqueTopicName("refs"))) {
      for (GenerationEvent event : List.of(inline, byUri, byId)) {
        sent.add(publisher.publish(event).get());
      }
    }
    sent.forEach(metadata -> assertEquals(topic, metadata.topic()));

    Map<String, GenerationEvent> read = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : read(kafka, topic, 3)) {
      GenerationEvent event = serde(GenerationEvent.class, registry).deserialize(topic, record.value());
      assertEquals(event.getEventId(), record.key(), "record key is the event_id");
      read.put(event.getEventId(), event);
    }
    assertEquals(inline, read.get(inline.getEventId()));
    assertEquals(byUri, read.get(byUri.getEventId()));
    assertEquals(byId, read.get(byId.getEventId()));
    assertEquals("image/png", read.get(inline.getEventId()).getGenerated().getMediaType());
    assertEquals("image/jpeg", read.get(inline.getEventId()).getReference().getMediaType());
    assertEquals("portrait-1", read.get(byId.getEventId()).getReference().getReferenceId());
  }

  @Test
  void referencesAreKeyedByTheirId(KafkaBroker kafka, SchemaRegistry.Server registry) throws Exception {
    String references = kafka.uniqueTopicName("refs");
    kafka.createTopics(1, references);
    Instant before = Instant.now().minusMillis(1);
    try (PerceptWatchPublisher publisher = publisher(kafka, registry, kafka.uniqueTopicName("gen"), references)) {
      publisher.publishReference("portrait-1", PNG).get();
    }
    ConsumerRecord<String, byte[]> record = read(kafka, references, 1).get(0);
    ReferenceImage reference = serde(ReferenceImage.class, registry).deserialize(references, record.value());
    assertEquals("portrait-1", record.key());
    assertEquals("portrait-1", reference.getReferenceId());
    assertArrayEquals(PNG, Buffers.bytes(reference.getData()));
    assertEquals("image/png", reference.getMediaType());
    assertTrue(!reference.getUpdatedAt().isBefore(before.truncatedTo(ChronoUnit.MILLIS)));
  }

  @Test
  void eventsBreakingTheContractFailTheirFutureWithTheReason(KafkaBroker kafka, SchemaRegistry.Server registry) {
    GenerationEvent twoSources = GenerationEvents.inline("m", "v1", PNG, PNG).build();
    twoSources.getReference().setUri("file:///also.png");
    GenerationEvent generatedById = GenerationEvents.of("m", "v1", GenerationEvents.referenceIdImage("r"),
        GenerationEvents.inlineImage(PNG)).build();
    GenerationEvent noSource = GenerationEvents.of("m", "v1", new ImageSource(), GenerationEvents.inlineImage(PNG)).build();
    try (PerceptWatchPublisher publisher = publisher(kafka, registry, kafka.uniqueTopicName("gen"), kafka.uniqueTopicName("r"))) {
      assertFailure(publisher, twoSources, "reference must have exactly one of data, uri, reference_id (has 2)");
      assertFailure(publisher, generatedById, "generated must be inline data or a uri, not a reference_id");
      assertFailure(publisher, noSource, "generated must have exactly one of data, uri, reference_id (has 0)");
    }
  }

  @Test
  void theDocumentedExampleRuns(KafkaBroker kafka, SchemaRegistry.Server registry, @TempDir Path dir) throws Exception {
    kafka.createTopics(2, TopicNames.GENERATIONS);
    kafka.createTopics(1, TopicNames.REFERENCES);
    Path generated = Files.write(dir.resolve("g.png"), PNG);
    Path reference = Files.write(dir.resolve("r.jpg"), JPEG);
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      PublishExample.main(new String[] {kafka.bootstrapServers(), registry.url(), generated.toString(), reference.toString()});
    } finally {
      System.setOut(stdout);
    }
    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(2, lines.length, Arrays.toString(lines));
    List<ConsumerRecord<String, byte[]>> events = read(kafka, TopicNames.GENERATIONS, 2);
    for (String line : lines) {
      String eventId = line.substring(0, line.indexOf(' '));
      assertTrue(events.stream().anyMatch(r -> r.key().equals(eventId)), eventId + " not on the topic");
      assertTrue(line.contains(" -> " + TopicNames.GENERATIONS + "/"), line);
    }
    assertEquals("portrait-0001", read(kafka, TopicNames.REFERENCES, 1).get(0).key());
  }

  private static void assertFailure(PerceptWatchPublisher publisher, GenerationEvent event, String reason) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> publisher.publish(event).get());
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    assertEquals("event " + event.getEventId() + " breaks the contract: " + reason, failure.getCause().getMessage());
  }

  private static PerceptWatchPublisher publisher(KafkaBroker kafka, SchemaRegistry.Server registry, String generations,
      String references) {
    return PerceptWatchPublisher.builder(kafka.bootstrapServers(), registry.url())
        .generationsTopic(generations).referencesTopic(references).build();
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> serde(Class<T> type,
      SchemaRegistry.Server registry) {
    AvroSerde<T> serde = new AvroSerde<>(type);
    serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registry.url()), false);
    return serde;
  }

  private static List<ConsumerRecord<String, byte[]>> read(KafkaBroker kafka, String topic, int count) {
    List<ConsumerRecord<String, byte[]>> records = KafkaTestClients.readFromBeginning(kafka.bootstrapServers(), topic,
        count, TIMEOUT, new StringDeserializer(), new ByteArrayDeserializer());
    assertEquals(count, records.size(), "records read from " + topic);
    return records;
  }

  @Test
  void mediaTypeIsNullForUnknownBytes() {
    assertNull(MediaTypes.of(new byte[] {1, 2, 3}));
    assertEquals("image/webp", MediaTypes.of("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1)));
  }
}
