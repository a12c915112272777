package io.tally.model.aggregate;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;

/**
 * The mutable, mergeable state of one metric over one window and group. Every kind counts the
 * distinct events folded into it ({@link #events()}), which only grows: it is the version that
 * every store and reader compares, so that nobody ever sees a value go backwards.
 *
 * <p>Accumulators are mutable for speed on the per-event path; whoever hands one to another owner
 * must hand over a {@link #copy()} or stop touching it.
 */
public sealed interface Accumulator
    permits CountAccumulator, SumAccumulator, DistinctAccumulator, TopKAccumulator {

  static Accumulator create(AggregateFunction fn) {
    return switch (fn) {
      case COUNT, RATE -> new CountAccumulator();
      case SUM -> new SumAccumulator();
      case DISTINCT -> new DistinctAccumulator();
      case TOPK -> new TopKAccumulator();
    };
  }

  /**
   * Folds in one event.
   *
   * @param value the event's {@code value}
   * @param item the value of the field the metric reads, or null (counted events need none)
   */
  void add(double value, String item);

  /** Folds in another accumulator of the same kind, as if its events had been added here. */
  void merge(Accumulator other);

  long events();

  /** What readers see; {@code spec} gives the window size that rates divide by and top-K's k. */
  MetricValue result(MetricSpec spec);

  Accumulator copy();
}
