package io.tally.serving.ingest;

/**
 * The producer's buffer is full: the broker takes events more slowly than clients send them (HTTP
 * 429 with {@code Retry-After}).
 */
public final class LogOverloadedException extends IngestException {
  private final long retryAfterSeconds;

  public LogOverloadedException(long retryAfterSeconds, Throwable cause) {
    super(
        "The event log is taking events more slowly than they arrive; nothing in this request is"
            + " reported as accepted. Retry the whole request after "
            + retryAfterSeconds
            + " s: events are de-duplicated by (source, id), so a retry never counts one twice.",
        cause);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
