package io.tally.serving.query;

/** A client has sent more queries than its rate limit allows (HTTP 429 with Retry-After). */
public final class QueryRateLimitedException extends QueryException {
  private final long retryAfterSeconds;

  public QueryRateLimitedException(long retryAfterSeconds) {
    this(
        "Too many queries from this client; retry after "
            + retryAfterSeconds
            + " s. The limit is per credential, or per address without one.",
        retryAfterSeconds);
  }

  public QueryRateLimitedException(String detail, long retryAfterSeconds) {
    super(detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
