package dev.perceptwatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.perceptwatch.events.GenerationEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transient registry failures are retried. The real registry cannot be made to fail on demand, so the JDK's
 * HTTP server stands in for it, answering as Apicurio did under load in CrashRecoveryTest: HTTP 500 ("Timeout
 * trying to lock table") for the first requests, then the registration's id.
 */
class SchemaRegistryRetryTest {
  private static final String LOCK_TIMEOUT =
      "{\"message\":\"org.h2.jdbc.JdbcSQLTimeoutException: Timeout trying to lock table\",\"error_code\":500}";

  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;

  /** Answers 500 to the first {@code failures} requests, then {"id": 7}. */
  private String registryFailingFirst(int failures) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      boolean fail = requests.incrementAndGet() <= failures;
      byte[] body = (fail ? LOCK_TIMEOUT : "{\"id\":7}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aRegistrationAnswered500IsTriedAgain() throws IOException {
    String url = registryFailingFirst(SchemaRegistryClient.ATTEMPTS - 1);

    int id = new SchemaRegistryClient(url).register("generations-value", GenerationEvent.getClassSchema());

    assertEquals(7, id);
    assertEquals(SchemaRegistryClient.ATTEMPTS, requests.get());
  }

  @Test
  void aRegistryThatKeepsFailingIsReportedAfterTheLastAttempt() throws IOException {
    String url = registryFailingFirst(Integer.MAX_VALUE);

    SchemaRegistryException failure = assertThrows(SchemaRegistryException.class,
        () -> new SchemaRegistryClient(url).register("generations-value", GenerationEvent.getClassSchema()));

    assertEquals(500, failure.status());
    assertEquals(SchemaRegistryClient.ATTEMPTS, requests.get());
  }
}
