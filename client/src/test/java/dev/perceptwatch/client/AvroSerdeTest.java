package dev.perceptwatch.client;

import dev.perceptwatch.contract.RejectReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.RecordHeader;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.testing.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SchemaRegistry.class)
class AvroSerdeTest {

  private static final Instant PRODUCED_AT = Instant.ofEpochMilli(1_763_900_000_123L);

  private static String url;

  @BeforeAll
  static void registry(SchemaRegistry.Server registry) {
    url = registry.url();
  }

  private static String newTopic() {
    return "serde-test-" + UUID.randomUUID();
  }

  private static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type, Map<String, ?> extra, boolean isKey) {
    AvroSerde<T> serde = new AvroSerde<>(type);
    Map<String, Object> configs = new HashMap<>(extra);
    configs.put(AvroSerde.SCHEMA_REGISTRY_URL, url);
    serde.configure(configs, isKey);
    return serde;
  }

  private static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
    return serde(type, Map.of(), false);
  }

  private static byte[] framed(int id, byte[] avro) {
    return ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(id).put(avro).array();
  }

  private static <D> byte[] avro(D datum, DatumWriter<D> writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  static GenerationEvent generationEvent() {
    byte[] image = new byte[64 * 1024];
    new Random(7).nextBytes(image);
    return GenerationEvent.newBuilder()
        .setEventId("evt-1").setModelId("sdxl-faces").setModelVersion("v7").setProducedAt(PRODUCED_AT)
        .setAttributes(Map.of("prompt_set", "faces-a", "sampler", "euler"))
        .setGenerated(ImageSource.newBuilder().setData(ByteBuffer.wrap(image)).setMediaType("image/png").build())
        .setReference(ImageSource.newBuilder().setReferenceId("ref-42").build())
        .build();
  }

  static QualityScore qualityScore() {
    return QualityScore.newBuilder()
        .setEventId("evt-1").setModelId("sdxl-faces").setModelVersion("v7").setAttributes(Map.of("sampler", "euler"))
        .setProducedAt(PRODUCED_AT).setScoredAt(PRODUCED_AT.plusMillis(250)).setReferenceId("ref-42")
        .setLpips(0.125).setFeatureDistance(3.5).setMse(0.0).setPsnr(Double.POSITIVE_INFINITY).setSsim(1.0)
        .setMsSsim(null).setWidth(64).setHeight(48).setScorerModel("lpips-alex").setScorerSha256("ab".repeat(32))
        .build();
  }

  private static MetricStats metricStats(String metric) {
    return MetricStats.newBuilder().setMetric(metric).setCount(100).setMean(0.2).setStd(0.05).setMin(0.01)
        .setMax(0.6).setP50(0.19).setP90(0.3).setP99(0.55).build();
  }

  private static List<SpecificRecord> everyEventType() {
    List<SpecificRecord> events = new ArrayList<>();
    events.add(generationEvent());
    events.add(ReferenceImage.newBuilder().setReferenceId("ref-42").setData(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setMediaType("image/webp").setUpdatedAt(PRODUCED_AT).build());
    events.add(qualityScore());
    events.add(WindowStats.newBuilder().setModelId("sdxl-faces").setModelVersion("v7").setSegment("faces-a")
        .setWindowStart(PRODUCED_AT).setWindowEnd(PRODUCED_AT.plusSeconds(60)).setCount(100).setErrors(2)
        .setMetrics(List.of(metricStats("lpips"), metricStats("ssim"))).build());
    events.add(DriftAlert.newBuilder().setAlertId("alert-1").setModelId("sdxl-faces").setModelVersion("v7")
        .setSegment(null).setMetric("lpips").setState(AlertState.FIRING).setSeverity(Severity.CRITICAL)
        .setDetector("cusum").setWindowStart(PRODUCED_AT).setWindowEnd(PRODUCED_AT.plusSeconds(60))
        .setObserved(metricStats("lpips")).setBaselineMean(0.1).setBaselineStd(0.02).setBaselineP90(0.13)
        .setStatistic(5.5).setThreshold(4.0).setWorstEventIds(List.of("evt-9", "evt-3"))
        .setSummary("LPIPS of sdxl-faces v7 rose from 0.10 to 0.20.").build());
    events.add(DeadLetter.newBuilder().setEventId(null).setModelId(null).setModelVersion(null).setReason("BAD_SCHEMA")
        .setMessage("not the wire format").setSourceTopic("perceptwatch.generations").setSourcePartition(3)
        .setSourceOffset(12345L).setOriginalKey(null).setOriginalValue(ByteBuffer.wrap(new byte[] {9, 9}))
        .setOriginalHeaders(List.of(
            RecordHeader.newBuilder().setKey("trace").setValue(ByteBuffer.wrap(new byte[] {1})).build(),
            RecordHeader.newBuilder().setKey("trace").setValue(null).build()))
        .setFailedAt(PRODUCED_AT).build());
    return events;
  }

  @Test
  void everyEventTypeRoundTripsWithTheRegisteredIdInFront() {
    List<SpecificRecord> events = everyEventType();
    assertEquals(6, events.size());
    for (SpecificRecord event : events) {
      assertRoundTrip(event);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> void assertRoundTrip(T event) {
    String topic = newTopic();
    AvroSerde<T> serde = serde((Class<T>) event.getClass());
    byte[] bytes = serde.serialize(topic, event);

    int registeredId = new SchemaRegistryClient(url).idFor(topic + "-value", event.getSchema());
    assertEquals(0, bytes[0], "magic byte");
    assertEquals(registeredId, ByteBuffer.wrap(bytes, 1, 4).getInt(), "schema id of " + event.getClass());
    assertEquals(event, serde.deserialize(topic, bytes), event.getClass().getSimpleName());
  }

  @Test
  void nullIsATombstoneBothWays() {
    AvroSerde<ReferenceImage> serde = serde(ReferenceImage.class);
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void bytesAreExactlyTheConfluentWireFormat() throws IOException {
    String topic = newTopic();
    QualityScore score = qualityScore();
    byte[] fromSerde = serde(QualityScore.class).serialize(topic, score);

    // The Confluent convention built by hand: 0x00, the id as a big-endian int, plain Avro binary.
    int id = new SchemaRegistryClient(url).idFor(topic + "-value", QualityScore.getClassSchema());
    byte[] expected = framed(id, avro(score, new SpecificDatumWriter<>(QualityScore.class)));
    assertArrayEquals(expected, fromSerde);
    assertEquals(score, serde(QualityScore.class).deserialize(topic, expected));
  }

  @Test
  void keysUseTheKeySubject() {
    String topic = newTopic();
    AvroSerde<QualityScore> keySerde = serde(QualityScore.class, Map.of(), true);
    byte[] bytes = keySerde.serialize(topic, qualityScore());

    SchemaRegistryClient client = new SchemaRegistryClient(url);
    assertEquals(client.idFor(topic + "-key", QualityScore.getClassSchema()), ByteBuffer.wrap(bytes, 1, 4).getInt());
    assertTrue(assertThrows(SchemaRegistryException.class,
        () -> client.idFor(topic + "-value", QualityScore.getClassSchema())).isNotFound());
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsAnError() {
    String topic = newTopic();
    AvroSerde<QualityScore> serde = serde(QualityScore.class, Map.of(AvroSerde.AUTO_REGISTER_SCHEMAS, "false"), false);
    SerializationException error = assertThrows(SerializationException.class, () -> serde.serialize(topic, qualityScore()));
    assertTrue(error.getMessage().contains(topic + "-value"), error.getMessage());
    assertTrue(error.getMessage().contains("HTTP 404"), error.getMessage());

    new SchemaRegistryClient(url).register(topic + "-value", QualityScore.getClassSchema());
    assertEquals(qualityScore(), serde.deserialize(topic, serde.serialize(topic, qualityScore())));
  }

  @Test
  void backwardIncompatibleSchemaIsRefusedWhenSerializing() {
    String topic = newTopic();
    // An earlier QualityScore with only event_id and score: the current schema adds fields without
    // defaults (model_id, ...), which could not read that data, so BACKWARD refuses it.
    Schema earlier = SchemaBuilder.record("QualityScore").namespace("dev.perceptwatch.events").fields()
        .requiredString("event_id").requiredDouble("score").endRecord();
    new SchemaRegistryClient(url).register(topic + "-value", earlier);

    SerializationException error = assertThrows(SerializationException.class,
        () -> serde(QualityScore.class).serialize(topic, qualityScore()));
    assertFalse(error instanceof BadRecordException);
    assertTrue(error.getMessage().contains("HTTP 409"), error.getMessage());
    assertTrue(error.getMessage().contains(topic + "-value"), error.getMessage());
  }

  /** QualityScore as it was before ms_ssim, feature_distance and reference_id existed (all have defaults). */
  private static Schema olderQualityScore() {
    List<String> added = List.of("ms_ssim", "feature_distance", "reference_id");
    Schema current = QualityScore.getClassSchema();
    List<Schema.Field> fields = current.getFields().stream()
        .filter(field -> !added.contains(field.name()))
        .map(field -> new Schema.Field(field, field.schema()))
        .toList();
    return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }

  @Test
  void recordsOfAnOlderSchemaVersionAreReadIntoTheCurrentClass() throws IOException {
    String topic = newTopic();
    Schema older = olderQualityScore();
    SchemaRegistryClient client = new SchemaRegistryClient(url);
    int olderId = client.register(topic + "-value", older);

    QualityScore current = qualityScore();
    GenericRecord old = new GenericData.Record(older);
    for (Schema.Field field : older.getFields()) {
      old.put(field.name(), current.get(field.name()));
    }
    // The specific model carries the timestamp-millis conversion for the Instant fields.
    byte[] oldBytes = framed(olderId, avro(old, new GenericDatumWriter<>(older, SpecificData.getForClass(QualityScore.class))));

    AvroSerde<QualityScore> serde = serde(QualityScore.class);
    QualityScore read = serde.deserialize(topic, oldBytes);
    QualityScore expected = QualityScore.newBuilder(current).setMsSsim(null).setFeatureDistance(null)
        .setReferenceId(null).build();
    assertEquals(expected, read);

    // The current schema is a BACKWARD-compatible next version of the subject.
    byte[] newBytes = serde.serialize(topic, current);
    assertNotEquals(olderId, ByteBuffer.wrap(newBytes, 1, 4).getInt());
    assertEquals(2, client.latestVersion(topic + "-value").version());
  }

  @Test
  void useLatestVersionWritesWithTheSubjectsLatestSchema() {
    String topic = newTopic();
    Schema current = QualityScore.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
    fields.add(new Schema.Field("comment", Schema.create(Schema.Type.STRING), "added later", "none"));
    Schema next = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    SchemaRegistryClient client = new SchemaRegistryClient(url);
    client.register(topic + "-value", current);
    int nextId = client.register(topic + "-value", next);

    AvroSerde<QualityScore> serde = serde(QualityScore.class,
        Map.of(AvroSerde.AUTO_REGISTER_SCHEMAS, false, AvroSerde.USE_LATEST_VERSION, true), false);
    byte[] bytes = serde.serialize(topic, qualityScore());
    assertEquals(nextId, ByteBuffer.wrap(bytes, 1, 4).getInt());
    assertEquals(qualityScore(), serde.deserialize(topic, bytes));
  }

  @Test
  void bytesThatAreNotARecordAreBadSchema() {
    String topic = newTopic();
    AvroSerde<GenerationEvent> serde = serde(GenerationEvent.class);
    byte[] valid = serde.serialize(topic, generationEvent());
    int id = ByteBuffer.wrap(valid, 1, 4).getInt();
    byte[] avro = Arrays.copyOfRange(valid, 5, valid.length);

    byte[] wrongMagic = valid.clone();
    wrongMagic[0] = 1;
    byte[] randomPayload = new byte[300];
    new Random(42).nextBytes(randomPayload);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
    // event_id's length as a zigzag varint of 1e9: the record claims a string far longer than itself.
    byte[] hugeLength = framed(id, new byte[] {(byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07});
    byte[] otherType = serde(DeadLetter.class).serialize(topic + "-dead", (DeadLetter) everyEventType().get(5));

    Map<String, byte[]> badInputs = new LinkedHashMap<>();
    badInputs.put("empty", new byte[0]);
    badInputs.put("shorter than the header", new byte[] {0, 0, 0});
    badInputs.put("wrong magic byte", wrongMagic);
    badInputs.put("random bytes", randomPayload);
    badInputs.put("unknown schema id 999999", framed(999999, avro));
    badInputs.put("truncated Avro", Arrays.copyOf(valid, valid.length / 2));
    badInputs.put("random Avro payload", framed(id, randomPayload));
    badInputs.put("trailing byte", trailing);
    badInputs.put("huge string length", hugeLength);
    badInputs.put("a DeadLetter read as a GenerationEvent", otherType);

    badInputs.forEach((what, bytes) -> {
      BadRecordException bad = assertThrows(BadRecordException.class, () -> serde.deserialize(topic, bytes), what);
      assertEquals(RejectReason.BAD_SCHEMA, bad.reason(), what);
      assertTrue(bad.getMessage().contains(topic), what + ": " + bad.getMessage());
    });
    assertTrue(assertThrows(BadRecordException.class, () -> serde.deserialize(topic, framed(999999, avro)))
        .getMessage().contains("999999"));
  }

  @Test
  void unreachableRegistryIsNotABadRecord() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AvroSerde<GenerationEvent> serde = new AvroSerde<>(GenerationEvent.class);
    serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + closedPort), false);
    SerializationException error =
        assertThrows(SerializationException.class, () -> serde.deserialize("t", framed(1, new byte[] {2, 0x41})));
    assertFalse(error instanceof BadRecordException, "a registry outage must not dead-letter records");
  }

  @Test
  void invalidConfigurationNamesTheKey() {
    AvroSerde<QualityScore> serde = new AvroSerde<>(QualityScore.class);
    assertTrue(assertThrows(ConfigException.class, () -> serde.configure(Map.of(), false))
        .getMessage().contains(AvroSerde.SCHEMA_REGISTRY_URL));
    assertTrue(assertThrows(ConfigException.class, () -> serde.configure(
        Map.of(AvroSerde.SCHEMA_REGISTRY_URL, url, AvroSerde.AUTO_REGISTER_SCHEMAS, "yes"), false))
        .getMessage().contains(AvroSerde.AUTO_REGISTER_SCHEMAS));
    assertTrue(assertThrows(ConfigException.class, () -> serde.configure(
        Map.of(AvroSerde.SCHEMA_REGISTRY_URL, url, AvroSerde.VALUE_SUBJECT_NAME_STRATEGY,
            "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false))
        .getMessage().contains(AvroSerde.VALUE_SUBJECT_NAME_STRATEGY));
    assertThrows(IllegalStateException.class, () -> serde.serialize("t", qualityScore()));
  }
}
