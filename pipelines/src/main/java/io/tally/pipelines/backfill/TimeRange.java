package io.tally.pipelines.backfill;

import java.io.Serializable;
import java.time.Instant;

/** A range of event time, {@code [fromMillis, toMillis)}, epoch milliseconds. */
public record TimeRange(long fromMillis, long toMillis) implements Serializable {

  public TimeRange {
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException(
          "the range must end after it starts: ["
              + Instant.ofEpochMilli(fromMillis)
              + ", "
              + Instant.ofEpochMilli(toMillis)
              + ")");
    }
  }

  public boolean contains(long millis) {
    return millis >= fromMillis && millis < toMillis;
  }

  public long sizeMillis() {
    return toMillis - fromMillis;
  }

  public TimeRange extendedBy(long millis) {
    return new TimeRange(fromMillis, toMillis + millis);
  }

  @Override
  public String toString() {
    return "[" + Instant.ofEpochMilli(fromMillis) + ", " + Instant.ofEpochMilli(toMillis) + ")";
  }
}
