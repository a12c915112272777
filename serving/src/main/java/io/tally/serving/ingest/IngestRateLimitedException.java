package io.tally.serving.ingest;

/**
 * The node has taken in as many events as its ingest limit allows for now (HTTP 429 with {@code
 * Retry-After}); nothing of the request was written.
 */
public final class IngestRateLimitedException extends IngestException {
  private final long retryAfterSeconds;

  public IngestRateLimitedException(long retryAfterSeconds) {
    super(
        "This node takes in events at a limited rate and is at it; nothing in this request was"
            + " accepted. Retry the whole request after "
            + retryAfterSeconds
            + " s.");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
