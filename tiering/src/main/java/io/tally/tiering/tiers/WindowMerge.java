package io.tally.tiering.tiers;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.aggregate.SumAccumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.Resolution;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How windows from several tiers become one answer, without I/O.
 *
 * <ul>
 *   <li>{@link #latest}: the same window from several tiers counts once, at the state that has
 *       folded in the most events ({@link WindowUpdate#supersedes}) — the pipeline's own rule, so
 *       an answer never shows fewer events than any tier holds.
 *   <li>{@link #coarsen}: windows of the metric's size merged into hours or days, with the
 *       pipeline's aggregate functions ({@link Accumulator#merge}).
 * </ul>
 */
public final class WindowMerge {
  private WindowMerge() {}

  /** The identity of a window within one metric: version, group, start and end. */
  private static List<Object> identity(WindowUpdate window) {
    return List.of(window.version(), window.group(), window.startMillis(), window.endMillis());
  }

  /** Each window once, at its latest state, from any number of tiers' answers. */
  @SafeVarargs
  public static List<WindowUpdate> latest(Collection<WindowUpdate>... tiers) {
    Map<List<Object>, WindowUpdate> latest = new LinkedHashMap<>();
    for (Collection<WindowUpdate> tier : tiers) {
      for (WindowUpdate window : tier) {
        latest.merge(
            identity(window), window, (held, other) -> other.supersedes(held) ? other : held);
      }
    }
    return new ArrayList<>(latest.values());
  }

  /** A coarse window that could not be built, and why. */
  public record LeftOut(long version, List<String> group, long startMillis, String reason) {
    public LeftOut {
      group = List.copyOf(group);
    }

    @Override
    public String toString() {
      return "v" + version + " " + group + " at " + startMillis + ": " + reason;
    }
  }

  /** Coarse windows and those that could not be built. */
  public record Coarsened(List<WindowUpdate> windows, List<LeftOut> leftOut) {}

  /**
   * Merges the tiles among {@code fine} (windows of the metric {@code spec} describes) into windows
   * of {@code coarse}: one per version, group and coarse start. Windows that are not tiles (hopping
   * windows overlapping the aligned ones) are ignored.
   *
   * <p>Tiles that carry their accumulator (final windows, as the history tier stores them) merge
   * exactly, sketches included. Tiles that do not (the serving view keeps values, not accumulators)
   * merge their values for count, sum and rate, which is exact; a distinct or top-K window with
   * such a tile cannot be merged and is left out with the reason. So are windows of another version
   * than {@code spec}'s, whose tiling is not known here.
   *
   * <p>A coarse window is final when all of its tiles are, its last tile included.
   */
  public static Coarsened coarsen(List<WindowUpdate> fine, MetricSpec spec, Resolution coarse) {
    long size = coarse.sizeMillis();
    if (size == 0) {
      throw new IllegalArgumentException("windows are coarsened into hours or days only");
    }
    String problem = coarse.tilingProblem(spec.sizeMillis(), spec.slideMillis());
    if (problem != null) {
      throw new IllegalArgumentException(
          spec.metric() + " cannot be shown by " + coarse.wireName() + ": " + problem);
    }
    Map<List<Object>, List<WindowUpdate>> tilesByWindow = new LinkedHashMap<>();
    Map<List<Object>, LeftOut> leftOut = new LinkedHashMap<>();
    for (WindowUpdate window : fine) {
      long start = Math.floorDiv(window.startMillis(), size) * size;
      List<Object> key = List.of(window.version(), window.group(), start);
      if (window.version() != spec.version()) {
        leftOut.putIfAbsent(
            key,
            new LeftOut(
                window.version(),
                window.group(),
                start,
                "windows of an earlier definition merge only once rolled up in history"));
        continue;
      }
      if (window.endMillis() - window.startMillis() != spec.sizeMillis()
          || !Resolution.isTile(window.startMillis(), spec.sizeMillis())) {
        continue;
      }
      tilesByWindow.computeIfAbsent(key, k -> new ArrayList<>()).add(window);
    }
    MetricSpec coarseSpec =
        new MetricSpec(
            spec.metric(),
            spec.version(),
            spec.fn(),
            spec.k(),
            size,
            size,
            spec.allowedLatenessMillis(),
            spec.groupBy());
    List<WindowUpdate> windows = new ArrayList<>(tilesByWindow.size());
    tilesByWindow.forEach(
        (key, tiles) -> {
          long start = (Long) key.get(2);
          WindowUpdate merged = merge(tiles, coarseSpec, start);
          if (merged != null) {
            windows.add(merged);
          } else {
            leftOut.put(
                key,
                new LeftOut(
                    spec.version(),
                    tiles.get(0).group(),
                    start,
                    spec.fn().wireName()
                        + " merges final windows only, and not all of this "
                        + coarse.wireName()
                        + "'s are final yet"));
          }
        });
    return new Coarsened(windows, new ArrayList<>(leftOut.values()));
  }

  /** One coarse window from its tiles; null when they cannot be merged exactly. */
  private static WindowUpdate merge(List<WindowUpdate> tiles, MetricSpec coarse, long start) {
    long events = 0;
    boolean isFinal = true;
    boolean accumulators = true;
    long lastEnd = Long.MIN_VALUE;
    for (WindowUpdate tile : tiles) {
      events += tile.events();
      isFinal &= tile.isFinal();
      accumulators &= tile.accumulator() != null;
      lastEnd = Math.max(lastEnd, tile.endMillis());
    }
    long end = start + coarse.sizeMillis();
    isFinal &= lastEnd == end;
    MetricValue value;
    Accumulator merged = null;
    if (accumulators) {
      merged = tiles.get(0).accumulator().copy();
      for (int i = 1; i < tiles.size(); i++) {
        merged.merge(tiles.get(i).accumulator());
      }
      value = merged.result(coarse);
      events = merged.events();
    } else {
      value = mergeValues(tiles, coarse, events);
      if (value == null) {
        return null;
      }
    }
    WindowUpdate first = tiles.get(0);
    return new WindowUpdate(
        first.metric(),
        first.version(),
        first.fn(),
        first.groupBy(),
        first.group(),
        start,
        end,
        value,
        events,
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        0,
        isFinal ? merged : null);
  }

  /**
   * The coarse value from the tiles' values, for the functions whose value alone merges: a count is
   * its events, a rate its events over the coarse size, a sum the compensated sum of sums.
   */
  private static MetricValue mergeValues(List<WindowUpdate> tiles, MetricSpec coarse, long events) {
    AggregateFunction fn = coarse.fn();
    return switch (fn) {
      case COUNT -> new MetricValue.Scalar(events);
      case RATE -> new MetricValue.Scalar(events * 1000.0 / coarse.sizeMillis());
      case SUM -> {
        SumAccumulator sum = new SumAccumulator();
        for (WindowUpdate tile : tiles) {
          sum.add(((MetricValue.Scalar) tile.value()).value(), null);
        }
        yield new MetricValue.Scalar(sum.sum());
      }
      case DISTINCT, TOPK -> null;
    };
  }
}
