package io.tally.model.metric;

import java.io.Serializable;

/**
 * Event-time windows aligned to the epoch in UTC: tumbling when {@code slideMillis == sizeMillis},
 * hopping when the slide is shorter.
 */
public record WindowSpec(long sizeMillis, long slideMillis) implements Serializable {

  /** Bounds the state and work one event costs: a window may overlap at most this many. */
  public static final int MAX_WINDOWS_PER_EVENT = 100;

  public WindowSpec {
    if (sizeMillis <= 0 || slideMillis <= 0) {
      throw new IllegalArgumentException("window size and slide must be positive");
    }
    if (slideMillis > sizeMillis) {
      throw new IllegalArgumentException("window slide must not exceed its size");
    }
    if ((sizeMillis + slideMillis - 1) / slideMillis > MAX_WINDOWS_PER_EVENT) {
      throw new IllegalArgumentException(
          "window size / slide must be at most " + MAX_WINDOWS_PER_EVENT);
    }
  }

  public static WindowSpec tumbling(long sizeMillis) {
    return new WindowSpec(sizeMillis, sizeMillis);
  }

  /** Start of the latest window that contains {@code timestamp}. */
  public long lastStartFor(long timestamp) {
    return Math.floorDiv(timestamp, slideMillis) * slideMillis;
  }

  /**
   * Whether a window starting at {@code start} contains {@code timestamp}; windows that contain a
   * timestamp are found by stepping back from {@link #lastStartFor} by the slide while true.
   */
  public boolean contains(long start, long timestamp) {
    return start <= timestamp && timestamp < start + sizeMillis;
  }

  /** The starts of every window that contains {@code timestamp}, latest first. */
  public long[] startsFor(long timestamp) {
    long last = lastStartFor(timestamp);
    int n = 0;
    while (n < MAX_WINDOWS_PER_EVENT && contains(last - n * slideMillis, timestamp)) {
      n++;
    }
    long[] starts = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = last - i * slideMillis;
    }
    return starts;
  }
}
