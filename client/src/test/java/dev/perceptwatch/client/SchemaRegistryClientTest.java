package dev.perceptwatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.testing.SchemaRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SchemaRegistry.class)
class SchemaRegistryClientTest {

  private static String newSubject() {
    return "client-test-" + UUID.randomUUID() + "-value";
  }

  private static Schema probe(boolean withCount, boolean countHasDefault) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("Probe").namespace("dev.perceptwatch.test").fields().requiredString("name");
    if (withCount) {
      fields = countHasDefault ? fields.name("count").type().intType().intDefault(0) : fields.requiredInt("count");
    }
    return fields.endRecord();
  }

  @Test
  void registeredSchemaIsFoundByIdAndBySubject(SchemaRegistry.Server registry) {
    String subject = newSubject();
    Schema schema = GenerationEvent.getClassSchema();
    int id = new SchemaRegistryClient(registry.url()).register(subject, schema);

    // Fresh clients: the answers come from the registry, not from the registering client's cache.
    assertEquals(schema, new SchemaRegistryClient(registry.url()).schemaById(id));
    assertEquals(id, new SchemaRegistryClient(registry.url()).idFor(subject, schema));
    assertEquals(id, new SchemaRegistryClient(registry.url()).register(subject, schema),
        "registering the same schema again returns the existing id");
  }

  @Test
  void clientsRegisteringTheSameNewSubjectAtOnceAllGetItsId(SchemaRegistry.Server registry) throws Exception {
    // Two stream threads publishing their first score did this; Apicurio answers the later one 409.
    for (int round = 0; round < 5; round++) {
      String subject = newSubject();
      Schema schema = GenerationEvent.getClassSchema();
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          ids.add(threads.submit(() -> new SchemaRegistryClient(registry.url()).register(subject, schema)));
        }
        List<Integer> answers = new ArrayList<>();
        for (Future<Integer> id : ids) {
          answers.add(id.get());
        }
        int registered = new SchemaRegistryClient(registry.url()).idFor(subject, schema);
        assertEquals(List.of(registered, registered, registered, registered), answers);
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void answersAreCachedInBothDirections(SchemaRegistry.Server registry) {
    String subject = newSubject();
    Schema schema = probe(false, false);
    CountingHttpClient http = new CountingHttpClient();
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), http, SchemaRegistryClient.DEFAULT_TIMEOUT);

    int id = client.register(subject, schema);
    assertEquals(1, http.requests());
    assertEquals(id, client.register(subject, schema));
    assertEquals(id, client.idFor(subject, schema));
    assertEquals(schema, client.schemaById(id));
    assertEquals(1, http.requests(), "register, idFor and schemaById of a known schema need no request");

    CountingHttpClient readerHttp = new CountingHttpClient();
    SchemaRegistryClient reader = new SchemaRegistryClient(registry.url(), readerHttp, SchemaRegistryClient.DEFAULT_TIMEOUT);
    assertEquals(schema, reader.schemaById(id));
    assertEquals(schema, reader.schemaById(id));
    assertEquals(1, readerHttp.requests(), "the second schemaById is served from the cache");
  }

  @Test
  void backwardIncompatibleSchemaIsRefused(SchemaRegistry.Server registry) {
    String subject = newSubject();
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    int first = client.register(subject, probe(false, false));

    // A new required field without a default cannot read old data: BACKWARD refuses it.
    SchemaRegistryException refused =
        assertThrows(SchemaRegistryException.class, () -> client.register(subject, probe(true, false)));
    assertEquals(409, refused.status());
    assertTrue(refused.getMessage().contains(subject), refused.getMessage());
    assertTrue(refused.getMessage().contains(registry.url()), refused.getMessage());

    // The same field with a default is a compatible evolution and becomes a new version.
    int second = client.register(subject, probe(true, true));
    assertNotEquals(first, second);
    SchemaRegistryClient.RegisteredSchema latest = client.latestVersion(subject);
    assertEquals(2, latest.version());
    assertEquals(second, latest.id());
    assertEquals(probe(true, true), latest.schema());
  }

  @Test
  void unknownIdAndUnknownSubjectAreNotFound(SchemaRegistry.Server registry) {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    SchemaRegistryException unknownId = assertThrows(SchemaRegistryException.class, () -> client.schemaById(999999));
    assertTrue(unknownId.isNotFound(), unknownId.getMessage());
    assertTrue(unknownId.getMessage().contains("/schemas/ids/999999"), unknownId.getMessage());

    String subject = newSubject();
    SchemaRegistryException unknownSubject =
        assertThrows(SchemaRegistryException.class, () -> client.idFor(subject, probe(false, false)));
    assertTrue(unknownSubject.isNotFound(), unknownSubject.getMessage());
    assertTrue(unknownSubject.getMessage().contains(subject), unknownSubject.getMessage());
  }

  @Test
  void unreachableRegistryIsReportedWithItsUrl() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
    SchemaRegistryException failure =
        assertThrows(SchemaRegistryException.class, () -> new SchemaRegistryClient(url).schemaById(1));
    assertEquals(-1, failure.status());
    assertTrue(failure.getMessage().contains(url + "/schemas/ids/1"), failure.getMessage());
  }
}
