package io.tally.serving.query;

/** The node cannot answer yet (HTTP 503 with Retry-After): see {@link ServingReadiness}. */
public final class NotReadyException extends QueryException {
  private final long retryAfterSeconds;

  public NotReadyException(String detail, long retryAfterSeconds) {
    super(detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
