package dev.perceptwatch.client;

import dev.perceptwatch.contract.RejectReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose bytes cannot be turned into an event: the record itself is bad, retrying cannot help,
 * so the topology dead-letters it with {@link #reason()} as the DeadLetter reason code. Failures of the
 * infrastructure (registry unreachable, HTTP 5xx) are plain {@link SerializationException}s instead, so
 * that they stop the application rather than dead-letter good records.
 */
public final class BadRecordException extends SerializationException {

  private final RejectReason reason;

  BadRecordException(RejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
