package io.tally.tiering.history;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rollup's grouping logic, without I/O: which finer windows make up a coarser one, and their
 * merge.
 *
 * <p>A finer window counts towards the coarser window that contains it when its windows tile the
 * coarser one: its size divides the coarser size, its slide divides its size, and it is one of the
 * tiles (its start is a multiple of its size; windows are aligned to the epoch in UTC). Then every
 * event of the coarser window is in exactly one tile, and merging the tiles' accumulators ({@link
 * Accumulator#merge}: exact for counts and sums, a sketch union for distinct and top-K) gives what
 * the pipeline would have computed over the coarser window. Tumbling windows are all tiles; of
 * hopping windows (5m every 1m) only the aligned ones are used, the others overlap them.
 *
 * <p>Metric versions whose windows do not tile are left out and reported: their size does not
 * divide the coarser size (7m into an hour), their slide does not divide their size (5m every 2m),
 * or their slide was unknown when they were written. Their windows stay readable at {@link
 * Resolution#MINUTE} only.
 */
final class Rollups {
  private Rollups() {}

  record Outcome(List<HistoryRow> rows, Map<String, String> skipped) {}

  private record Key(String metric, long version, List<String> group, long coarseStart) {}

  /** Why a finer window cannot be rolled up into windows of {@code coarseMillis}, or null. */
  static String ineligibility(HistoryRow row, long coarseMillis) {
    return Resolution.tilingProblem(row.sizeMillis(), row.slideMillis(), coarseMillis);
  }

  /** Whether an eligible window is one of the tiles (the others overlap the tiles). */
  static boolean isTile(HistoryRow row) {
    return Resolution.isTile(row.startMillis(), row.sizeMillis());
  }

  static Outcome rollUp(List<HistoryRow> finer, long coarseMillis, long writtenAt) {
    Map<String, String> skipped = new TreeMap<>();
    Map<Key, List<HistoryRow>> groups = new LinkedHashMap<>();
    List<HistoryRow> ordered = new ArrayList<>(finer);
    ordered.sort(Comparator.comparingLong(HistoryRow::startMillis));
    for (HistoryRow row : ordered) {
      String why = ineligibility(row, coarseMillis);
      if (why != null) {
        skipped.putIfAbsent(row.metric() + " v" + row.version(), why);
        continue;
      }
      if (!isTile(row)) {
        continue;
      }
      long coarseStart = Math.floorDiv(row.startMillis(), coarseMillis) * coarseMillis;
      groups
          .computeIfAbsent(
              new Key(row.metric(), row.version(), row.group(), coarseStart),
              key -> new ArrayList<>())
          .add(row);
    }
    List<HistoryRow> rows = new ArrayList<>(groups.size());
    groups.forEach((key, tiles) -> rows.add(merge(key, tiles, coarseMillis, writtenAt)));
    return new Outcome(rows, skipped);
  }

  private static HistoryRow merge(
      Key key, List<HistoryRow> tiles, long coarseMillis, long writtenAt) {
    HistoryRow first = tiles.get(0);
    Accumulator merged = AccumulatorCodec.fromBytes(first.accumulator());
    int k = first.k();
    for (int i = 1; i < tiles.size(); i++) {
      HistoryRow tile = tiles.get(i);
      if (tile.fn() != first.fn()) {
        throw new IllegalStateException(
            key.metric()
                + " v"
                + key.version()
                + " has windows of "
                + first.fn()
                + " and "
                + tile.fn());
      }
      merged.merge(AccumulatorCodec.fromBytes(tile.accumulator()));
      k = Math.max(k, tile.k());
    }
    MetricSpec coarse =
        new MetricSpec(
            key.metric(),
            key.version(),
            first.fn(),
            k,
            coarseMillis,
            coarseMillis,
            0,
            first.groupBy());
    double value =
        first.fn() == AggregateFunction.TOPK
            ? 0
            : ((MetricValue.Scalar) merged.result(coarse)).value();
    return new HistoryRow(
        key.metric(),
        key.version(),
        first.fn(),
        k,
        coarseMillis,
        first.groupBy(),
        key.group(),
        key.coarseStart(),
        key.coarseStart() + coarseMillis,
        merged.events(),
        value,
        AccumulatorCodec.toBytes(merged),
        writtenAt);
  }
}
