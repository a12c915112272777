package io.tally.tiering.history;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.util.List;
import java.util.Map;

/** Builds final window updates and rows for tests. */
final class HistoryRows {
  static final long MINUTE = 60_000;
  static final long HOUR = 3_600_000;

  /** 2026-11-27T21:00:00Z: a whole hour. */
  static final long T0 = 1_795_813_200_000L;

  private HistoryRows() {}

  /** A final update of {@code fn} over [start, start + size) that folded in {@code items}. */
  static WindowUpdate update(
      String metric,
      AggregateFunction fn,
      String group,
      long start,
      long size,
      int k,
      String... items) {
    Accumulator acc = accumulate(fn, items);
    MetricSpec spec = spec(metric, fn, k, size, size);
    return new WindowUpdate(
        metric,
        1,
        fn,
        List.of("geo"),
        List.of(group),
        start,
        start + size,
        acc.result(spec),
        acc.events(),
        Timing.ON_TIME,
        true,
        0,
        acc);
  }

  static Accumulator accumulate(AggregateFunction fn, String... items) {
    Accumulator acc = Accumulator.create(fn);
    for (String item : items) {
      acc.add(item.length(), item);
    }
    return acc;
  }

  static MetricSpec spec(String metric, AggregateFunction fn, int k, long size, long slide) {
    return new MetricSpec(metric, 1, fn, k, size, slide, 0, List.of("geo"));
  }

  static MetricSpecs specs(MetricSpec... specs) {
    Map<String, MetricSpec> byMetric = new java.util.HashMap<>();
    for (MetricSpec spec : specs) {
      byMetric.put(spec.metric(), spec);
    }
    return MetricSpecs.of(byMetric);
  }
}
