package io.tally.model.aggregate;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;

/** Counts events; also the state of {@code rate}, which divides the count by the window size. */
public final class CountAccumulator implements Accumulator {
  private long events;

  public CountAccumulator() {}

  CountAccumulator(long events) {
    this.events = events;
  }

  @Override
  public void add(double value, String item) {
    events++;
  }

  @Override
  public void merge(Accumulator other) {
    events += ((CountAccumulator) other).events;
  }

  @Override
  public long events() {
    return events;
  }

  @Override
  public MetricValue result(MetricSpec spec) {
    if (spec.fn() == AggregateFunction.RATE) {
      return new MetricValue.Scalar(events * 1000.0 / spec.sizeMillis());
    }
    return new MetricValue.Scalar(events);
  }

  @Override
  public CountAccumulator copy() {
    return new CountAccumulator(events);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CountAccumulator c && c.events == events;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(events);
  }

  @Override
  public String toString() {
    return "Count{" + events + "}";
  }
}
