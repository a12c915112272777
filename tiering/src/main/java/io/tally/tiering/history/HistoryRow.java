package io.tally.tiering.history;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.util.List;
import java.util.Optional;

/**
 * One stored window, as a row of a history table: a final window update plus what the table needs
 * to describe itself (the window's slide, top-K's {@code k}) and the portable bytes of its
 * accumulator ({@link AccumulatorCoder#toBytes}).
 *
 * @param k top-K's k; 0 for other functions
 * @param slideMillis the slide of the metric's windows; 0 when it was unknown when written (such
 *     windows are never rolled up, since they might overlap)
 * @param value the value for count, sum, rate and distinct; 0 for top-K, whose ranking is computed
 *     from the accumulator when read
 * @param writtenAt when the row was written, epoch milliseconds: for operators; the table keeps the
 *     row with the most events, and of equal ones the last written
 */
public record HistoryRow(
    String metric,
    long version,
    AggregateFunction fn,
    int k,
    long slideMillis,
    List<String> groupBy,
    List<String> group,
    long startMillis,
    long endMillis,
    long events,
    double value,
    byte[] accumulator,
    long writtenAt) {

  public HistoryRow {
    groupBy = List.copyOf(groupBy);
    group = List.copyOf(group);
    if (groupBy.size() != group.size()) {
      throw new IllegalArgumentException("group values do not match the group-by dimensions");
    }
  }

  public long sizeMillis() {
    return endMillis - startMillis;
  }

  /**
   * The row for a final update. The slide and k come from {@code specs} when it knows the metric
   * version (and its window size matches the update's); otherwise the slide is unknown (0) and k is
   * the length of the update's ranking — which equals k unless the window held fewer values, and
   * then any k at least as large ranks that window the same.
   */
  public static HistoryRow of(WindowUpdate update, MetricSpecs specs, long writtenAt) {
    if (!update.isFinal() || update.accumulator() == null) {
      throw new IllegalArgumentException(
          "the history tier stores final updates with their accumulator only, not "
              + describe(update));
    }
    long size = update.endMillis() - update.startMillis();
    Optional<MetricSpec> spec =
        specs.find(update.metric(), update.version()).filter(s -> s.sizeMillis() == size);
    int k = 0;
    double value = 0;
    if (update.value() instanceof MetricValue.Scalar scalar) {
      value = scalar.value();
    } else if (update.value() instanceof MetricValue.Ranking ranking) {
      k = spec.map(MetricSpec::k).orElse(ranking.items().size());
    }
    return new HistoryRow(
        update.metric(),
        update.version(),
        update.fn(),
        update.fn() == AggregateFunction.TOPK ? k : 0,
        spec.map(MetricSpec::slideMillis).orElse(0L),
        update.groupBy(),
        update.group(),
        update.startMillis(),
        update.endMillis(),
        update.events(),
        value,
        AccumulatorCodec.toBytes(update.accumulator()),
        writtenAt);
  }

  /** A spec for computing this row's value from an accumulator: its own size, slide and k. */
  MetricSpec spec() {
    long size = sizeMillis();
    return new MetricSpec(
        metric, version, fn, k, size, slideMillis > 0 ? slideMillis : size, 0, groupBy);
  }

  /** The row as a final window update, with its accumulator. History keeps no pane timing. */
  public WindowUpdate toUpdate() {
    Accumulator acc = AccumulatorCodec.fromBytes(accumulator);
    MetricValue shown =
        fn == AggregateFunction.TOPK ? acc.result(spec()) : new MetricValue.Scalar(value);
    return new WindowUpdate(
        metric,
        version,
        fn,
        groupBy,
        group,
        startMillis,
        endMillis,
        shown,
        events,
        Timing.ON_TIME,
        true,
        0,
        acc);
  }

  private static String describe(WindowUpdate update) {
    return update.metric()
        + " v"
        + update.version()
        + " "
        + update.group()
        + " ["
        + update.startMillis()
        + ", "
        + update.endMillis()
        + ") final="
        + update.isFinal();
  }
}
