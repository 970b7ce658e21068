package dev.perceptwatch.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A schema registry held in memory, for tests that exercise the serde's wire format and schema resolution
 * (the real {@link AvroSerde} over it) but not the registry itself, e.g. topologies on the TopologyTestDriver.
 * It answers as the Confluent registry does with its default BACKWARD compatibility: one global id per
 * distinct schema, versions per subject, 409 for a schema that cannot read the subject's latest version
 * (Avro's own {@link SchemaCompatibility} decides), 404 for what is unknown. Outages, retries and the real
 * registry's compatibility answers are tested against the real registry ({@code testing.SchemaRegistry}).
 * Thread-safe.
 */
public final class InMemoryRegistryClient implements RegistryClient {

  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final List<Schema> schemasById = new ArrayList<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

  @Override
  public String url() {
    return "memory:";
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    Integer known = idsBySchema.get(schema);
    if (known != null && versions.contains(known)) {
      return known;
    }
    if (!versions.isEmpty()) {
      Schema latest = schemasById.get(versions.get(versions.size() - 1) - 1);
      var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest);
      if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new SchemaRegistryException("Subject " + subject + ": the schema cannot read the latest version: "
            + compatibility.getDescription(), 409, null);
      }
    }
    int id = known != null ? known : newId(schema);
    versions.add(id);
    return id;
  }

  @Override
  public synchronized int idFor(String subject, Schema schema) {
    Integer id = idsBySchema.get(schema);
    if (id == null || !versionsBySubject.getOrDefault(subject, List.of()).contains(id)) {
      throw notFound("schema not found under subject " + subject);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > schemasById.size()) {
      throw notFound("schema id " + id + " not found");
    }
    return schemasById.get(id - 1);
  }

  @Override
  public synchronized SchemaRegistryClient.RegisteredSchema latestVersion(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw notFound("subject " + subject + " not found");
    }
    int id = versions.get(versions.size() - 1);
    return new SchemaRegistryClient.RegisteredSchema(subject, versions.size(), id, schemasById.get(id - 1));
  }

  private int newId(Schema schema) {
    schemasById.add(schema);
    idsBySchema.put(schema, schemasById.size());
    return schemasById.size();
  }

  private static SchemaRegistryException notFound(String what) {
    return new SchemaRegistryException("memory: " + what, 404, null);
  }
}
