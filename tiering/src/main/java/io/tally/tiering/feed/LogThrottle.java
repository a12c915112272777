package io.tally.tiering.feed;

import java.util.function.LongSupplier;

/**
 * Lets one log line through per interval and counts what it held back, so that a stream of bad
 * records (or a broker that stays away) cannot flood the log, while the next line that is let
 * through still says how many were suppressed.
 */
final class LogThrottle {
  private final long intervalMillis;
  private final LongSupplier clock;
  private long nextAllowedMillis = Long.MIN_VALUE;
  private long suppressed;

  LogThrottle(long intervalMillis, LongSupplier clock) {
    this.intervalMillis = intervalMillis;
    this.clock = clock;
  }

  /**
   * Returns -1 when this occurrence should not be logged; otherwise how many occurrences were
   * suppressed since the last one that was.
   */
  synchronized long tryAcquire() {
    long now = clock.getAsLong();
    if (now < nextAllowedMillis) {
      suppressed++;
      return -1;
    }
    nextAllowedMillis = now + intervalMillis;
    long held = suppressed;
    suppressed = 0;
    return held;
  }
}
