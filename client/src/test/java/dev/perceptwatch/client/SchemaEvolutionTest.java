package dev.perceptwatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.testing.SchemaRegistry;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worst examples' locations were added to scores, window stats and alerts as new nullable fields: each
 * current schema must register as the next version of a subject that holds the schema before them, under the
 * registry's BACKWARD rule (docs/REGISTRY.md), and read what that schema wrote.
 */
@ExtendWith(SchemaRegistry.class)
class SchemaEvolutionTest {

  /** Per record, the fields the worst examples added (the schemas before them lack exactly these). */
  static List<Object[]> evolutions() {
    return List.of(
        new Object[] {QualityScore.getClassSchema(),
            List.of("source_topic", "source_partition", "source_offset", "generated_uri", "reference_uri")},
        new Object[] {WindowStats.getClassSchema(), List.of("worst_examples")},
        new Object[] {DriftAlert.getClassSchema(), List.of("worst_examples")});
  }

  private static Schema without(Schema current, List<String> added) {
    List<Schema.Field> fields = current.getFields().stream()
        .filter(field -> !added.contains(field.name()))
        .map(field -> new Schema.Field(field, field.schema()))
        .toList();
    return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }

  @ParameterizedTest
  @MethodSource("evolutions")
  void theCurrentSchemaIsABackwardCompatibleNextVersion(Schema current, List<String> added,
                                                        SchemaRegistry.Server registry) {
    Schema before = without(current, added);
    assertEquals(current.getFields().size() - added.size(), before.getFields().size(), "every added field exists");
    for (String name : added) {
      Schema.Field field = current.getField(name);
      assertEquals(Schema.Type.UNION, field.schema().getType(), name + " is nullable");
      assertEquals(Schema.Type.NULL, field.schema().getTypes().get(0).getType(), name + ": null first");
      assertTrue(field.hasDefaultValue(), name + " has a default");
    }
    String subject = "evolution-" + current.getName() + "-" + UUID.randomUUID() + "-value";
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    int first = client.register(subject, before);
    int second = client.register(subject, current);
    assertNotEquals(first, second);
    assertEquals(2, client.latestVersion(subject).version(), "registered as version 2 under BACKWARD");
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(current, before).getType(),
        "the current schema reads data written before the fields existed");
  }
}
