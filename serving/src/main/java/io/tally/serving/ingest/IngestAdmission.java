package io.tally.serving.ingest;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tally.serving.limits.TokenBucket;
import java.util.concurrent.TimeUnit;

/**
 * How many events this node takes in per second: one {@link TokenBucket} for the whole node,
 * charged one token per line of a request (valid or not: each becomes a record, on the events or
 * the dead-letter topic). A request that does not fit is refused whole, before anything of it is
 * written, with the time until it would fit; so the log and the pipeline behind it are never asked
 * for more than they were sized for, and a client learns at once when to come back.
 */
public final class IngestAdmission {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final IngestAdmission UNLIMITED = new IngestAdmission(null, 0, 0, null);

  private final TokenBucket bucket;
  private final double perNano;
  private final double burst;
  private final Ticker ticker;

  private IngestAdmission(TokenBucket bucket, double perNano, double burst, Ticker ticker) {
    this.bucket = bucket;
    this.perNano = perNano;
    this.burst = burst;
    this.ticker = ticker;
  }

  /** At most {@code eventsPerSecond} on average, {@code burst} at once. */
  public static IngestAdmission limited(double eventsPerSecond, int burst, Ticker ticker) {
    if (!(eventsPerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "an ingest limit needs a positive rate and a burst of at least 1");
    }
    return new IngestAdmission(
        new TokenBucket(burst, ticker.read()), eventsPerSecond / SECOND, burst, ticker);
  }

  /** No limit: the producer's bounded buffer is then the only back-pressure. */
  public static IngestAdmission unlimited() {
    return UNLIMITED;
  }

  /**
   * Admits a request of {@code events} lines, or refuses it whole.
   *
   * @throws IngestRateLimitedException when the node takes no more events right now
   */
  public void admit(int events) {
    if (bucket == null || events == 0) {
      return;
    }
    long waitNanos = bucket.take(ticker.read(), events, perNano, burst);
    if (waitNanos > 0) {
      throw new IngestRateLimitedException(Math.max(1, (waitNanos + SECOND - 1) / SECOND));
    }
  }
}
