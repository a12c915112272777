package io.tally.model.aggregate;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Test data for accumulators: observations as the aggregation feeds them in. */
public final class Streams {
  private Streams() {}

  public record Obs(double value, String item) {}

  public static MetricSpec spec(AggregateFunction fn, int k) {
    return new MetricSpec("m", 1, fn, k, 60_000, 60_000, 0, List.of());
  }

  public static MetricSpec spec(AggregateFunction fn) {
    return spec(fn, fn == AggregateFunction.TOPK ? 1_000 : 0);
  }

  /**
   * {@code n} observations over {@code distinct} items with a skewed distribution, some without an
   * item. Values are multiples of 1/4 so that every sum of them is exact in binary.
   */
  public static List<Obs> skewed(long seed, int n, int distinct) {
    Random random = new Random(seed);
    List<Obs> obs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double value = (random.nextInt(4_001) - 2_000) / 4.0;
      String item;
      if (random.nextInt(20) == 0) {
        item = null;
      } else {
        // squaring a uniform number favours small indices: a few heavy items, a long tail
        double u = random.nextDouble();
        item = "item-" + (int) (u * u * distinct);
      }
      obs.add(new Obs(value, item));
    }
    return obs;
  }

  public static Accumulator accumulate(AggregateFunction fn, List<Obs> obs) {
    Accumulator acc = Accumulator.create(fn);
    for (Obs o : obs) {
      acc.add(o.value(), o.item());
    }
    return acc;
  }

  public static List<Obs> shuffled(List<Obs> obs, long seed) {
    List<Obs> copy = new ArrayList<>(obs);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }
}
