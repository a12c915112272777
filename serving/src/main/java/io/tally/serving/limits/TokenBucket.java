package io.tally.serving.limits;

import io.tally.serving.ingest.IngestAdmission;

/**
 * Tokens refilled at a steady rate up to a burst: the one rate-limiting rule of the service, per
 * query client ({@link RateLimiter}) and for the events a node admits ({@link IngestAdmission}). It
 * keeps only its state; the rate and burst are handed in, so that many buckets of one limit cost
 * two fields each.
 */
public final class TokenBucket {
  private double tokens;
  private long refilledAt;

  /** A full bucket at {@code now}. */
  public TokenBucket(double burst, long now) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /**
   * Takes {@code permits} tokens at {@code now} (nanoseconds).
   *
   * <p>A take of more than the burst could never be covered; it is let through when the bucket is
   * full and leaves it in debt, so that it costs its whole size and the rate over time holds.
   *
   * @return 0 when taken; otherwise how many nanoseconds until they could be (nothing is taken)
   */
  public synchronized long take(long now, int permits, double perNano, double burst) {
    // Callers read the clock before they take the lock: a later reading may come in first.
    long at = Math.max(now, refilledAt);
    tokens = Math.min(burst, tokens + (at - refilledAt) * perNano);
    refilledAt = at;
    double needed = Math.min(permits, burst);
    if (tokens >= needed) {
      tokens -= permits;
      return 0;
    }
    return (long) Math.ceil((needed - tokens) / perNano);
  }
}
