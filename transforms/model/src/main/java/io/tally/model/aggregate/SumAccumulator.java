package io.tally.model.aggregate;

import io.tally.model.metric.MetricSpec;

/**
 * Sums {@code value}. Uses Kahan-Babuska (Neumaier) compensation so that a window's sum does not
 * depend noticeably on the order its events arrived in or the way partial sums were merged.
 */
public final class SumAccumulator implements Accumulator {
  private long events;
  private double sum;
  private double compensation;

  public SumAccumulator() {}

  SumAccumulator(long events, double sum, double compensation) {
    this.events = events;
    this.sum = sum;
    this.compensation = compensation;
  }

  @Override
  public void add(double value, String item) {
    events++;
    addValue(value);
  }

  private void addValue(double value) {
    double t = sum + value;
    if (Math.abs(sum) >= Math.abs(value)) {
      compensation += (sum - t) + value;
    } else {
      compensation += (value - t) + sum;
    }
    sum = t;
  }

  @Override
  public void merge(Accumulator other) {
    SumAccumulator o = (SumAccumulator) other;
    events += o.events;
    addValue(o.sum);
    addValue(o.compensation);
  }

  @Override
  public long events() {
    return events;
  }

  public double sum() {
    return sum + compensation;
  }

  double rawSum() {
    return sum;
  }

  double compensation() {
    return compensation;
  }

  @Override
  public MetricValue result(MetricSpec spec) {
    return new MetricValue.Scalar(sum());
  }

  @Override
  public SumAccumulator copy() {
    return new SumAccumulator(events, sum, compensation);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SumAccumulator s && s.events == events && s.sum() == sum();
  }

  @Override
  public int hashCode() {
    return Long.hashCode(events) * 31 + Double.hashCode(sum());
  }

  @Override
  public String toString() {
    return "Sum{events=" + events + ", sum=" + sum() + "}";
  }
}
