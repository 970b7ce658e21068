package dev.perceptwatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.QualityScore;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The in-memory registry that hermetic tests put under the real serde answers as the Confluent registry does
 * (ids, versions, BACKWARD compatibility, 404s); the same answers of the real registry are in
 * SchemaRegistryClientTest and SchemaEvolutionTest.
 */
class InMemoryRegistryClientTest {
  private final InMemoryRegistryClient registry = new InMemoryRegistryClient();

  @Test
  void aSchemaKeepsItsIdAndAVersionPerSubject() {
    int id = registry.register("scores-value", QualityScore.getClassSchema());
    assertEquals(id, registry.register("scores-value", QualityScore.getClassSchema()));
    assertEquals(id, registry.register("other-value", QualityScore.getClassSchema()), "ids are global");
    assertEquals(id, registry.idFor("scores-value", QualityScore.getClassSchema()));
    assertEquals(QualityScore.getClassSchema(), registry.schemaById(id));
    assertEquals(1, registry.latestVersion("scores-value").version());
  }

  @Test
  void refusesASchemaThatCannotReadTheLatestVersion() {
    Schema withId = record(new Schema.Field("id", Schema.create(Schema.Type.STRING)));
    Schema withRequiredScore = record(new Schema.Field("id", Schema.create(Schema.Type.STRING)),
        new Schema.Field("score", Schema.create(Schema.Type.DOUBLE)));
    Schema withDefaultScore = record(new Schema.Field("id", Schema.create(Schema.Type.STRING)),
        new Schema.Field("score", Schema.create(Schema.Type.DOUBLE), null, 0.0));
    registry.register("s-value", withId);
    SchemaRegistryException refused = assertThrows(SchemaRegistryException.class,
        () -> registry.register("s-value", withRequiredScore));
    assertEquals(409, refused.status());
    int second = registry.register("s-value", withDefaultScore);
    assertNotEquals(registry.idFor("s-value", withId), second);
    assertEquals(2, registry.latestVersion("s-value").version());
  }

  @Test
  void unknownIdsSubjectsAndSchemasAreNotFound() {
    assertTrue(assertThrows(SchemaRegistryException.class, () -> registry.schemaById(1)).isNotFound());
    assertTrue(assertThrows(SchemaRegistryException.class, () -> registry.latestVersion("none-value")).isNotFound());
    assertTrue(assertThrows(SchemaRegistryException.class,
        () -> registry.idFor("none-value", QualityScore.getClassSchema())).isNotFound());
  }

  private static Schema record(Schema.Field... fields) {
    return Schema.createRecord("R", null, "test", false, List.of(fields));
  }
}
