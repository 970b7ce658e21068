package dev.perceptwatch.client;

import dev.perceptwatch.contract.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent Schema Registry wire format: byte 0 = magic 0, then the schema id
 * as a 4-byte big-endian int, then the Avro binary encoding. Subjects follow Confluent's TopicNameStrategy
 * ({@code <topic>-value}, {@code <topic>-key}). It reads the configuration keys of Confluent's
 * {@code SpecificAvroSerde} ({@link #SCHEMA_REGISTRY_URL}, {@link #AUTO_REGISTER_SCHEMAS},
 * {@link #USE_LATEST_VERSION}) and writes the same bytes, so either can replace the other.
 *
 * <p>Records are read with the writer's schema (fetched by id) resolved against {@code T}'s schema, so
 * producers on an older compatible schema are understood. Bytes that are not such a record raise a
 * {@link BadRecordException}; a registry that cannot be reached raises a plain
 * {@link SerializationException}. Call {@link #configure} once before use; thread-safe after that.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  /** Register the record's schema when serializing (default true); else it must already be registered. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** With auto-registration off: write with the subject's latest schema (default false). */
  public static final String USE_LATEST_VERSION = "use.latest.version";
  static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_LENGTH = 5;

  private final Class<T> type;
  private final SpecificData model;
  private final Schema readerSchema;
  private final RegistryClient givenRegistry;
  private final Map<String, SchemaRegistryClient.RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();
  private volatile AvroSerdeSettings settings;

  /** A serde whose registry client is made from {@link #SCHEMA_REGISTRY_URL} in {@link #configure}. */
  public AvroSerde(Class<T> type) {
    this(type, null);
  }

  /**
   * A serde sharing {@code registry} (and its cache) with others; {@link #SCHEMA_REGISTRY_URL} is then
   * not needed and not used.
   */
  public AvroSerde(Class<T> type, RegistryClient registry) {
    this.type = type;
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
    this.givenRegistry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    settings = AvroSerdeSettings.from(configs, isKey, givenRegistry);
  }

  /** Nothing to release: the registry client holds no resources of its own. */
  @Override
  public void close() {}

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    AvroSerdeSettings current = configured();
    String subject = subject(topic, current);
    Schema schema = record.getSchema();
    try {
      if (current.useLatestVersion()) {
        SchemaRegistryClient.RegisteredSchema latest =
            latestBySubject.computeIfAbsent(subject, current.registry()::latestVersion);
        return latest.schema().equals(schema)
            ? encode(latest.id(), record, new SpecificDatumWriter<>(schema, model))
            : encodeAsLatest(record, latest);
      }
      int id = current.autoRegister()
          ? current.registry().register(subject, schema)
          : current.registry().idFor(subject, schema);
      return encode(id, record, new SpecificDatumWriter<>(schema, model));
    } catch (SchemaRegistryException e) {
      throw new SerializationException("Cannot serialize a " + type.getSimpleName() + " for topic " + topic
          + ": the schema registry refused: " + e.getMessage(), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    AvroSerdeSettings current = configured();
    if (bytes.length < HEADER_LENGTH) {
      throw bad(topic, "it has " + bytes.length + " bytes, fewer than the 5-byte schema registry header", null);
    }
    if (bytes[0] != MAGIC_BYTE) {
      throw bad(topic, String.format(Locale.ROOT, "its first byte is 0x%02x, not the magic byte 0x00 of the schema"
          + " registry wire format", bytes[0]), null);
    }
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    Schema writerSchema;
    try {
      writerSchema = current.registry().schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        throw bad(topic, "its schema id " + id + " is unknown to the registry at " + current.registry().url(), e);
      }
      throw new SerializationException("Cannot read a record of topic " + topic + ": " + e.getMessage(), e);
    }
    try {
      // A pass that only skips first: it checks every length against the bytes at hand, so a corrupt
      // length cannot make the real read allocate gigabytes, and it finds trailing garbage.
      BinaryDecoder check = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
      GenericDatumReader.skip(writerSchema, check);
      if (!check.isEnd()) {
        throw new IOException("bytes are left over after the record");
      }
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
      return new SpecificDatumReader<T>(writerSchema, readerSchema, model).read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw bad(topic, "it is not a " + type.getSimpleName() + " in Avro written with schema id " + id + " ("
          + writerSchema.getFullName() + "): " + e, e);
    }
  }

  private <D> byte[] encode(int id, D datum, DatumWriter<D> writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(datum, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot encode a " + type.getSimpleName() + " as Avro: " + e, e);
    }
    return out.toByteArray();
  }

  // The latest schema differs from the record's own (use.latest.version): the record goes through Avro
  // schema resolution into the latest schema, which fails clearly when that schema cannot hold it.
  private byte[] encodeAsLatest(T record, SchemaRegistryClient.RegisteredSchema latest) {
    byte[] own = encode(0, record, new SpecificDatumWriter<>(record.getSchema(), model));
    Object asLatest;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(own, HEADER_LENGTH, own.length - HEADER_LENGTH, null);
      asLatest = new GenericDatumReader<>(record.getSchema(), latest.schema(), GenericData.get()).read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot write a " + type.getSimpleName() + " with the latest schema of subject "
          + latest.subject() + " (version " + latest.version() + ", id " + latest.id() + "): " + e, e);
    }
    return encode(latest.id(), asLatest, new GenericDatumWriter<>(latest.schema(), GenericData.get()));
  }

  private BadRecordException bad(String topic, String why, Throwable cause) {
    return new BadRecordException(RejectReason.BAD_SCHEMA,
        "Record of topic " + topic + " is not a readable " + type.getSimpleName() + ": " + why, cause);
  }

  private AvroSerdeSettings configured() {
    AvroSerdeSettings current = settings;
    if (current == null) {
      throw new IllegalStateException("AvroSerde<" + type.getSimpleName() + "> is not configured: call configure()");
    }
    return current;
  }

  private static String subject(String topic, AvroSerdeSettings settings) {
    return topic + (settings.isKey() ? "-key" : "-value");
  }
}
