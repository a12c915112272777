package io.tally.serving.core;

/**
 * Tokens refilled at a steady rate up to a burst: the one rate-limiting rule of the service,
 * per query client ({@link RateLimiter}) and for the events a node admits ({@link IngestAdmission}).
 * It keeps only its state; the rate and burst are handed in, so that many buckets of one limit
 * cost two fields each.
 */
final class TokenBucket {
  private double tokens;
  private long refilledAt;

  /** A full bucket at {@code now}. */
  TokenBucket(double burst, long now) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /**
   * Takes {@code permits} tokens at {@code now} (nanoseconds).
   *
   * <p>A take of more than the burst could never be covered; it is let through when the bucket
   * is full and leaves it in debt, so that it costs its whole size and the rate over time holds.
   *
   * @return 0 when taken; otherwise how many nanoseconds until they could be (nothing is taken)
   */
  synchronized long take(long now, int permits, double perNano, double burst) {
    tokens = Math.min(burst, tokens + Math.max(0, now - refilledAt) * perNano);
    refilledAt = now;
    double needed = Math.min(permits, burst);
    if (tokens >= needed) {
      tokens -= permits;
      return 0;
    }
    return (long) Math.ceil((needed - tokens) / perNano);
  }
}
