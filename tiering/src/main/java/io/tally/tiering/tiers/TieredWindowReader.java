package io.tally.tiering.tiers;

import io.tally.model.metric.Durations;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.WindowQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Reads a window query from every tier and merges the answers, split at a time boundary (the "time
 * boundary" of Pinot's hybrid tables).
 *
 * <p>The <b>boundary</b> is {@code now - hotHorizon}: the serving view and the recent store keep
 * every window for at least {@code hotHorizon} after its end, so every window that starts at or
 * after the boundary is theirs, complete, and history is not asked for it. Windows that start
 * before the boundary are history's; the younger tiers are asked for them too, since they may still
 * hold a window that the history sink has not written yet (it writes in batches, and it waits out
 * an outage). At a coarse resolution, whole hours (days) before the boundary come from history's
 * rolled-up windows; the hour (day) that the boundary cuts through is merged from the metric's own
 * windows of both sides: history's before the boundary, the younger tiers' after.
 *
 * <p>Every window is in the answer once: the same window from several tiers is merged by {@link
 * WindowMerge#latest}, which keeps the state with the most events. Hence no window is counted
 * twice, and {@code events} never goes down across the boundary: when a window moves from the
 * younger tiers to history, history's copy is final and has folded in at least as many events.
 *
 * <p>A tier that fails (history down, the recent store unreachable) does not fail the query: the
 * answer holds what the other tiers have, and its {@link TierRead} says what failed.
 */
public final class TieredWindowReader {
  private final HotStore memory;
  private final HotStore recent;
  private final HistoryStore history;
  private final long hotHorizonMillis;
  private final LongSupplier clock;

  /**
   * @param memory this node's serving view
   * @param recent the shared recent-windows store; null when there is none
   * @param history the history tier; null when there is none
   * @param hotHorizonMillis how long after its end the younger tiers are sure to hold a window
   */
  public TieredWindowReader(
      HotStore memory,
      HotStore recent,
      HistoryStore history,
      long hotHorizonMillis,
      LongSupplier clock) {
    if (hotHorizonMillis < 0) {
      throw new IllegalArgumentException("the hot horizon must not be negative");
    }
    this.memory = Objects.requireNonNull(memory, "memory");
    this.recent = recent;
    this.history = history;
    this.hotHorizonMillis = hotHorizonMillis;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Only the serving view. */
  public static TieredWindowReader memoryOnly(HotStore memory) {
    return new TieredWindowReader(memory, null, null, 0, System::currentTimeMillis);
  }

  public boolean hasHistory() {
    return history != null;
  }

  /** Windows that start before this belong to history (when there is one). */
  public long boundaryMillis() {
    return history == null ? Long.MIN_VALUE : clock.getAsLong() - hotHorizonMillis;
  }

  /**
   * The windows of {@code query} at {@code resolution}: the metric's own windows at {@link
   * Resolution#MINUTE}; hours or days, merged from the metric's windows, otherwise.
   *
   * @param spec the metric's current definition (coarse windows are built for it)
   * @throws IllegalArgumentException when the metric's windows do not tile the resolution
   */
  public TieredWindows windows(MetricSpec spec, WindowQuery query, Resolution resolution) {
    long coarse = resolution.sizeMillis();
    if (coarse > 0) {
      String problem = resolution.tilingProblem(spec.sizeMillis(), spec.slideMillis());
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    // Coarse windows that start in [from, to) are made of the metric's windows in [first, last).
    long first = coarse == 0 ? query.fromMillis() : ceil(query.fromMillis(), coarse);
    long last = coarse == 0 ? query.toMillis() : Math.max(first, ceil(query.toMillis(), coarse));
    long boundary = boundaryMillis();
    // Whole coarse windows before the boundary are history's; the one it cuts through is merged
    // from the metric's windows of both sides.
    long split =
        history == null
            ? first
            : Math.min(
                Math.max(coarse > 0 ? Math.floorDiv(boundary, coarse) * coarse : boundary, first),
                last);
    long cutEnd = Math.min(Math.max(boundary, split), last);

    List<TierRead> reads = new ArrayList<>();
    WindowQuery fine = new WindowQuery(query.metric(), first, last, query.where());
    List<WindowUpdate> young = read(Tier.MEMORY, memory, fine, reads);
    if (recent != null) {
      young = WindowMerge.latest(young, read(Tier.RECENT, recent, fine, reads));
    }
    List<WindowMerge.LeftOut> notMerged = List.of();
    if (coarse > 0) {
      if (history != null && cutEnd > split) {
        WindowQuery cut = new WindowQuery(query.metric(), split, cutEnd, query.where());
        young = WindowMerge.latest(readHistoryWindows(cut, reads), young);
      }
      WindowMerge.Coarsened coarsened = WindowMerge.coarsen(young, spec, resolution);
      young = coarsened.windows();
      notMerged = coarsened.leftOut();
    }
    List<WindowUpdate> old = List.of();
    if (history != null && split > first) {
      old =
          readHistory(
              spec,
              new WindowQuery(query.metric(), first, split, query.where()),
              resolution,
              reads);
    }
    List<WindowUpdate> merged = WindowMerge.latest(old, young);
    merged.removeIf(
        w -> w.startMillis() < query.fromMillis() || w.startMillis() >= query.toMillis());
    // What the younger tiers could not merge is missing only if history had no copy either.
    List<String> leftOut = new ArrayList<>();
    Set<List<Object>> answered = new HashSet<>();
    for (WindowUpdate window : merged) {
      answered.add(List.of(window.version(), window.group(), window.startMillis()));
    }
    for (WindowMerge.LeftOut missing : notMerged) {
      if (missing.startMillis() >= query.fromMillis()
          && missing.startMillis() < query.toMillis()
          && !answered.contains(
              List.of(missing.version(), missing.group(), missing.startMillis()))) {
        leftOut.add(missing.toString());
      }
    }
    String evicted = evicted(spec, query);
    if (evicted != null) {
      leftOut.add(evicted);
    }
    return new TieredWindows(merged, boundary, reads, leftOut);
  }

  /**
   * Without a history tier, the younger tiers are all there is, and they drop a window {@code
   * hotHorizonMillis} after its end: a range that reaches further back is answered in part, and
   * says so, rather than lose windows silently. Null when the range is within what they keep (or
   * their horizon is unknown).
   */
  private String evicted(MetricSpec spec, WindowQuery query) {
    if (history != null || hotHorizonMillis == 0) {
      return null;
    }
    long kept = clock.getAsLong() - hotHorizonMillis - spec.sizeMillis();
    if (query.fromMillis() >= kept) {
      return null;
    }
    return "windows that start in ["
        + Instant.ofEpochMilli(query.fromMillis())
        + ", "
        + Instant.ofEpochMilli(Math.min(query.toMillis(), kept))
        + ") ended more than the hot tier keeps them ("
        + Durations.format(hotHorizonMillis)
        + ") ago, and there is no history tier: they may be missing";
  }

  private static List<WindowUpdate> read(
      Tier tier, HotStore store, WindowQuery query, List<TierRead> reads) {
    try {
      List<WindowUpdate> windows = store.windows(query);
      reads.add(TierRead.answered(tier, query.fromMillis(), query.toMillis(), windows.size()));
      return windows;
    } catch (RuntimeException e) {
      reads.add(TierRead.failed(tier, query.fromMillis(), query.toMillis(), message(e)));
      return List.of();
    }
  }

  /** History's windows of the metric's own resolution in the query's range. */
  private List<WindowUpdate> readHistoryWindows(WindowQuery query, List<TierRead> reads) {
    try {
      List<WindowUpdate> windows = history.windows(Resolution.MINUTE, query);
      reads.add(
          TierRead.answered(Tier.HISTORY, query.fromMillis(), query.toMillis(), windows.size()));
      return windows;
    } catch (RuntimeException e) {
      reads.add(TierRead.failed(Tier.HISTORY, query.fromMillis(), query.toMillis(), message(e)));
      return List.of();
    }
  }

  /**
   * History's windows in the query's range. Coarse windows come from the rolled-up table; any
   * coarse window it lacks (not rolled up yet) is merged here from the stored fine windows.
   */
  private List<WindowUpdate> readHistory(
      MetricSpec spec, WindowQuery query, Resolution resolution, List<TierRead> reads) {
    try {
      List<WindowUpdate> windows = new ArrayList<>(history.windows(resolution, query));
      long size = resolution.sizeMillis();
      if (size > 0) {
        Set<Long> rolledUp = new HashSet<>();
        for (WindowUpdate window : windows) {
          rolledUp.add(window.startMillis());
        }
        for (long[] gap : gaps(rolledUp, query.fromMillis(), query.toMillis(), size)) {
          List<WindowUpdate> fine =
              history.windows(
                  Resolution.MINUTE,
                  new WindowQuery(query.metric(), gap[0], gap[1], query.where()));
          windows.addAll(WindowMerge.coarsen(fine, spec, resolution).windows());
        }
      }
      reads.add(
          TierRead.answered(Tier.HISTORY, query.fromMillis(), query.toMillis(), windows.size()));
      return windows;
    } catch (RuntimeException e) {
      reads.add(TierRead.failed(Tier.HISTORY, query.fromMillis(), query.toMillis(), message(e)));
      return List.of();
    }
  }

  /** The runs of coarse starts in {@code [from, to)} that have no window, as [start, end) pairs. */
  static List<long[]> gaps(Set<Long> present, long from, long to, long size) {
    List<long[]> gaps = new ArrayList<>();
    long gapStart = -1;
    boolean inGap = false;
    for (long start = from; start < to; start += size) {
      boolean missing = !present.contains(start);
      if (missing && !inGap) {
        gapStart = start;
        inGap = true;
      } else if (!missing && inGap) {
        gaps.add(new long[] {gapStart, start});
        inGap = false;
      }
    }
    if (inGap) {
      gaps.add(new long[] {gapStart, to});
    }
    return gaps;
  }

  private static long ceil(long millis, long size) {
    return -Math.floorDiv(-millis, size) * size;
  }

  private static String message(RuntimeException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
