package dev.perceptwatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A thin client of the Confluent Schema Registry REST API (which Apicurio serves under /apis/ccompat/v7):
 * register an Avro schema under a subject, look up a schema's id, fetch a schema by id. Ids and schemas
 * never change once registered, so both directions are cached for the life of the client; the latest
 * version of a subject can change and is not cached here. Thread-safe.
 */
public final class SchemaRegistryClient implements RegistryClient {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Tries per request when the registry does not answer or answers 5xx: a registry under load fails now and
   * then (Apicurio on H2 answers 500 when two registrations wait on one table lock), and a serde that gives up
   * at once stops the stream thread that called it.
   */
  static final int ATTEMPTS = 5;
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** A version of a subject as the registry holds it. */
  public record RegisteredSchema(String subject, int version, int id, Schema schema) {}

  private record SubjectSchema(String subject, Schema schema) {}

  private final String baseUrl;
  private final HttpClient http;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  /** A client of the registry at {@code baseUrl}, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build(), DEFAULT_TIMEOUT);
  }

  SchemaRegistryClient(String baseUrl, HttpClient http, Duration timeout) {
    URI parsed = URI.create(baseUrl);
    if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
      throw new IllegalArgumentException("Schema registry URL must be http(s)://...: " + baseUrl);
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = http;
    this.timeout = timeout;
  }

  /** The registry's base URL. */
  @Override
  public String url() {
    return baseUrl;
  }

  /**
   * Registers {@code schema} under {@code subject} (a no-op returning the existing id when that schema is
   * already registered there) and returns its id.
   *
   * @throws SchemaRegistryException e.g. status 409 when the subject's compatibility rule refuses it
   */
  @Override
  public int register(String subject, Schema schema) {
    try {
      return idOf(subject, schema, "/versions");
    } catch (SchemaRegistryException e) {
      if (e.status() != 409) {
        throw e;
      }
      // Two clients registering a subject's first schema at once: Apicurio answers the later one 409
      // "already exists". When the schema is now there, that is success; otherwise it was a real refusal.
      try {
        return idFor(subject, schema);
      } catch (SchemaRegistryException lookup) {
        e.addSuppressed(lookup);
        throw e;
      }
    }
  }

  /**
   * The id of {@code schema} as registered under {@code subject}, without registering it.
   *
   * @throws SchemaRegistryException with status 404 when the subject or that schema under it is unknown
   */
  @Override
  public int idFor(String subject, Schema schema) {
    return idOf(subject, schema, "");
  }

  /**
   * The schema with this id.
   *
   * @throws SchemaRegistryException with status 404 when no schema has this id
   */
  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode reply = send("GET", "/schemas/ids/" + id, null, null);
    Schema schema = parse(requiredText(reply, "schema", null), "schema id " + id);
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced == null ? schema : raced;
  }

  /** The latest version of {@code subject}, asked of the registry on every call. */
  @Override
  public RegisteredSchema latestVersion(String subject) {
    JsonNode reply = send("GET", subjectPath(subject) + "/versions/latest", subject, null);
    int id = requiredInt(reply, "id", subject);
    Schema schema = parse(requiredText(reply, "schema", subject), "schema id " + id + " of subject " + subject);
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(subject, requiredInt(reply, "version", subject), id, schema);
  }

  // The HTTP call stays outside the maps' locks (computeIfAbsent would hold one while waiting on the
  // network); two threads racing on a new schema both ask, and the registry gives both the same id.
  private int idOf(String subject, Schema schema, String pathSuffix) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode reply = send("POST", subjectPath(subject) + pathSuffix, subject, schemaBody(schema));
    int id = requiredInt(reply, "id", subject);
    schemasById.putIfAbsent(id, schema);
    idsBySubjectSchema.putIfAbsent(key, id);
    return id;
  }

  private static String subjectPath(String subject) {
    return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String schemaBody(Schema schema) {
    return json.createObjectNode().put("schema", schema.toString()).toString();
  }

  /** {@link #sendOnce}, again after 0.1, 0.2, 0.4, 0.8 s while the failure is one a retry can cure. */
  private JsonNode send(String method, String path, String subject, String body) {
    long backoff = FIRST_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        return sendOnce(method, path, subject, body);
      } catch (SchemaRegistryException e) {
        boolean transientFailure = e.status() == SchemaRegistryException.NO_RESPONSE || e.status() / 100 == 5;
        if (!transientFailure || attempt == ATTEMPTS || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff *= 2;
      }
    }
  }

  private JsonNode sendOnce(String method, String path, String subject, String body) {
    String url = baseUrl + path;
    String what = method + " " + url + (subject == null ? "" : " (subject " + subject + ")");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE);
    if (body == null) {
      request.GET();
    } else {
      request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchemaRegistryException(what + " failed: " + e, SchemaRegistryException.NO_RESPONSE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(what + " was interrupted", SchemaRegistryException.NO_RESPONSE, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new SchemaRegistryException(what + ": HTTP " + response.statusCode() + ": " + response.body(),
          response.statusCode(), null);
    }
    try {
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new SchemaRegistryException(what + ": the reply is not JSON: " + response.body(),
          response.statusCode(), e);
    }
  }

  private int requiredInt(JsonNode reply, String field, String subject) {
    JsonNode value = reply.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new SchemaRegistryException(replyError(field, subject, reply), 200, null);
    }
    return value.intValue();
  }

  private String requiredText(JsonNode reply, String field, String subject) {
    JsonNode value = reply.get(field);
    if (value == null || !value.isTextual()) {
      throw new SchemaRegistryException(replyError(field, subject, reply), 200, null);
    }
    return value.textValue();
  }

  private String replyError(String field, String subject, JsonNode reply) {
    return "The schema registry at " + baseUrl + (subject == null ? "" : " (subject " + subject + ")")
        + " answered without a valid \"" + field + "\": " + reply;
  }

  private Schema parse(String schema, String what) {
    try {
      // A fresh parser per schema: a parser refuses to define the same record name twice.
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("The schema registry at " + baseUrl + " returned an invalid Avro schema for "
          + what + ": " + e.getMessage(), 200, e);
    }
  }
}
