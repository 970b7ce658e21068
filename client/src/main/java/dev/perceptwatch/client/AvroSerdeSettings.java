package dev.perceptwatch.client;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** What {@link AvroSerde#configure} read from the Confluent serde configuration keys. */
record AvroSerdeSettings(RegistryClient registry, boolean isKey, boolean autoRegister, boolean useLatestVersion) {

  private static final String TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

  /** Reads the settings; {@code givenRegistry}, when not null, replaces {@link AvroSerde#SCHEMA_REGISTRY_URL}. */
  static AvroSerdeSettings from(Map<String, ?> configs, boolean isKey, RegistryClient givenRegistry) {
    for (String strategyKey : new String[] {AvroSerde.KEY_SUBJECT_NAME_STRATEGY, AvroSerde.VALUE_SUBJECT_NAME_STRATEGY}) {
      Object strategy = configs.get(strategyKey);
      if (strategy != null && !TOPIC_NAME_STRATEGY.equals(strategyName(strategy))) {
        throw new ConfigException(strategyKey, strategy, "only " + TOPIC_NAME_STRATEGY + " is supported");
      }
    }
    boolean autoRegister = booleanConfig(configs, AvroSerde.AUTO_REGISTER_SCHEMAS, true);
    // As in Confluent's serializers, use.latest.version only applies without auto-registration.
    boolean useLatestVersion = booleanConfig(configs, AvroSerde.USE_LATEST_VERSION, false) && !autoRegister;
    RegistryClient registry = givenRegistry != null ? givenRegistry : registryFrom(configs);
    return new AvroSerdeSettings(registry, isKey, autoRegister, useLatestVersion);
  }

  private static String strategyName(Object strategy) {
    return strategy instanceof Class<?> c ? c.getName() : strategy.toString().trim();
  }

  private static SchemaRegistryClient registryFrom(Map<String, ?> configs) {
    Object url = configs.get(AvroSerde.SCHEMA_REGISTRY_URL);
    if (url == null || url.toString().isBlank()) {
      throw new ConfigException(AvroSerde.SCHEMA_REGISTRY_URL, url, "the schema registry URL is required");
    }
    String text = url.toString().trim();
    if (text.contains(",")) {
      throw new ConfigException(AvroSerde.SCHEMA_REGISTRY_URL, url, "only one schema registry URL is supported");
    }
    try {
      return new SchemaRegistryClient(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(AvroSerde.SCHEMA_REGISTRY_URL, url, e.getMessage());
    }
  }

  private static boolean booleanConfig(Map<String, ?> configs, String key, boolean defaultValue) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ConfigException(key, value, "must be true or false");
  }
}
