package dev.perceptwatch.client;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose bytes cannot be turned into an event: the record itself is bad, retrying cannot help,
 * so the topology dead-letters it with {@link #reason()} as the DeadLetter reason code. Failures of the
 * infrastructure (registry unreachable, HTTP 5xx) are plain {@link SerializationException}s instead, so
 * that they stop the application rather than dead-letter good records.
 */
public final class BadRecordException extends SerializationException {

  /** The DeadLetter reason codes a deserializer can give. */
  public enum Reason {
    /** Not the registry wire format, an unknown schema id, or Avro that does not decode. */
    BAD_SCHEMA
  }

  private final Reason reason;

  BadRecordException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
