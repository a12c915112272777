package io.tally.model.metric;

import java.util.Locale;

/** What a metric computes over the events of one window and group (contract §2). */
public enum AggregateFunction {
  /** The number of distinct events. */
  COUNT,
  /** The sum of the events' {@code value}. */
  SUM,
  /** Events per second over the window's size. */
  RATE,
  /** The approximate number of distinct values of a field. */
  DISTINCT,
  /** The most frequent values of a field, with their counts. */
  TOPK;

  /** Its name in definitions and updates; every update carries it, so it is made once. */
  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  public boolean needsField() {
    return this == DISTINCT || this == TOPK;
  }

  public static AggregateFunction fromWireName(String name) {
    for (AggregateFunction fn : values()) {
      if (fn.wireName().equals(name)) {
        return fn;
      }
    }
    throw new IllegalArgumentException(
        "must be one of count, sum, rate, distinct, topk, not '" + name + "'");
  }
}
