package dev.perceptwatch.client;

/**
 * A schema registry request that failed: the registry answered with an error status (then {@link #status()}
 * is that HTTP status and the message carries the body), or could not be reached ({@link #status()} is -1).
 */
public final class SchemaRegistryException extends RuntimeException {

  static final int NO_RESPONSE = -1;

  private final int status;

  SchemaRegistryException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status of the registry's answer, or -1 when there was no answer. */
  public int status() {
    return status;
  }

  /** Whether the registry answered 404: an unknown schema id, subject or version. */
  public boolean isNotFound() {
    return status == 404;
  }
}
