package io.tally.model.update;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import java.util.List;

/** Builds window updates for tests. */
public final class Updates {
  private Updates() {}

  public static WindowUpdate count(long events, boolean isFinal) {
    return new WindowUpdate(
        "views",
        1,
        AggregateFunction.COUNT,
        List.of("geo"),
        List.of("US"),
        60_000,
        120_000,
        new MetricValue.Scalar(events),
        events,
        isFinal ? Timing.LATE : Timing.EARLY,
        isFinal,
        0,
        isFinal ? counted(events) : null);
  }

  public static Accumulator counted(long events) {
    Accumulator acc = Accumulator.create(AggregateFunction.COUNT);
    for (long i = 0; i < events; i++) {
      acc.add(1, null);
    }
    return acc;
  }
}
