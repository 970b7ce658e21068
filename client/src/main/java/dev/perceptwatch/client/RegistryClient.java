package dev.perceptwatch.client;

import org.apache.avro.Schema;

/**
 * What {@link AvroSerde} asks of a schema registry: the Confluent Schema Registry calls it needs, by their
 * meaning. {@link SchemaRegistryClient} asks a real registry over HTTP; a test may keep the schemas in memory.
 * Failures are {@link SchemaRegistryException}s with the HTTP status the registry would answer.
 */
public interface RegistryClient {

  /** The registry's base URL, for messages. */
  String url();

  /** Registers {@code schema} under {@code subject} (the existing id when it is already there); its id. */
  int register(String subject, Schema schema);

  /** The id of {@code schema} as registered under {@code subject}; status 404 when it is not. */
  int idFor(String subject, Schema schema);

  /** The schema with this id; status 404 when no schema has it. */
  Schema schemaById(int id);

  /** The latest version of {@code subject}; status 404 when the subject is unknown. */
  SchemaRegistryClient.RegisteredSchema latestVersion(String subject);
}
