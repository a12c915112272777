package io.tally.update;

import io.tally.aggregate.Accumulator;
import io.tally.aggregate.MetricValue;
import io.tally.metric.AggregateFunction;
import java.util.List;

/** Builds window updates for tests. */
final class Updates {
  private Updates() {}

  static WindowUpdate count(long events, boolean isFinal) {
    return new WindowUpdate(
        "views", 1, AggregateFunction.COUNT, List.of("geo"), List.of("US"), 60_000, 120_000,
        new MetricValue.Scalar(events), events, isFinal ? Timing.LATE : Timing.EARLY, isFinal,
        0, isFinal ? counted(events) : null);
  }

  static Accumulator counted(long events) {
    Accumulator acc = Accumulator.create(AggregateFunction.COUNT);
    for (long i = 0; i < events; i++) {
      acc.add(1, null);
    }
    return acc;
  }
}
