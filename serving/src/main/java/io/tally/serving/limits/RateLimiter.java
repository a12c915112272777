package io.tally.serving.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TokenBucket} per client: {@code burst} requests at once, refilled at {@code perSecond}.
 * Buckets of clients that have been quiet long enough to be full again are forgotten, and at most
 * {@code maxClients} are kept, so memory stays bounded whoever calls (a forgotten client starts
 * again with a full bucket, which is what it would have had).
 */
public final class RateLimiter {
  private final double perNano;
  private final double burst;
  private final Ticker ticker;
  private final Cache<String, TokenBucket> buckets;

  public RateLimiter(double perSecond, int burst, long maxClients, Ticker ticker) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "a rate limit needs a positive rate and a burst of at least 1");
    }
    this.perNano = perSecond / TimeUnit.SECONDS.toNanos(1);
    this.burst = burst;
    this.ticker = ticker;
    long refillNanos = (long) Math.ceil(burst / perNano);
    this.buckets =
        Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofNanos(refillNanos))
            .maximumSize(maxClients)
            .ticker(ticker)
            .build();
  }

  /**
   * Takes one request from {@code client}'s bucket.
   *
   * @return 0 when the request may proceed; otherwise how many nanoseconds until it could
   */
  public long tryAcquire(String client) {
    long now = ticker.read();
    return buckets.get(client, c -> new TokenBucket(burst, now)).take(now, 1, perNano, burst);
  }
}
