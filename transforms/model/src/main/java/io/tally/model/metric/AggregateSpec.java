package io.tally.model.metric;

import java.io.Serializable;

/**
 * @param field the event field that {@code distinct} and {@code topk} read ({@code user} or {@code
 *     entity}); null for the other functions
 * @param k how many entries {@code topk} keeps; 0 for the other functions
 */
public record AggregateSpec(AggregateFunction fn, String field, int k) implements Serializable {
  public static final int MAX_K = 1_000;
  public static final int DEFAULT_K = 10;

  public static AggregateSpec of(AggregateFunction fn) {
    return new AggregateSpec(fn, null, 0);
  }
}
