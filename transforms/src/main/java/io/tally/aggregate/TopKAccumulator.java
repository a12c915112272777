package io.tally.aggregate;

import io.tally.metric.AggregateSpec;
import io.tally.metric.MetricSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeSet;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;

/**
 * The most frequent values of a field. Exact counts while a window holds at most {@link
 * #EXACT_LIMIT} distinct values (the contract's promise); past that, a frequent-items sketch whose
 * count error is bounded by {@code 3.5 / 32768} of the window's events.
 */
public final class TopKAccumulator implements Accumulator {
  public static final int EXACT_LIMIT = 10_000;
  static final int SKETCH_MAP_SIZE = 1 << 15;

  private static final Comparator<MetricValue.RankedItem> RANK =
      Comparator.comparingLong(MetricValue.RankedItem::count)
          .reversed()
          .thenComparing(MetricValue.RankedItem::key);

  private long events;
  /** Exact counts; null once the accumulator has switched to the sketch. */
  private Map<String, long[]> exact;
  /** Null while counts are exact. */
  private ItemsSketch<String> sketch;
  /**
   * The current top {@link #trackedK} of the exact counts, kept up to date as counts grow once
   * someone has asked for a ranking: early panes ask several times a second, and counts only
   * grow, so a value can only enter the leaders by passing the last of them.
   */
  private TreeSet<MetricValue.RankedItem> leaders;
  private int trackedK;

  public TopKAccumulator() {
    this(0, new HashMap<>(), null);
  }

  TopKAccumulator(long events, Map<String, long[]> exact, ItemsSketch<String> sketch) {
    this.events = events;
    this.exact = exact;
    this.sketch = sketch;
  }

  @Override
  public void add(double value, String item) {
    events++;
    if (item != null) {
      count(item, 1);
    }
  }

  private void count(String item, long n) {
    if (sketch != null) {
      sketch.update(item, n);
      return;
    }
    long[] counter = exact.get(item);
    if (counter != null) {
      counter[0] += n;
      track(item, counter[0] - n, counter[0]);
    } else if (exact.size() < EXACT_LIMIT) {
      exact.put(item, new long[] {n});
      track(item, 0, n);
    } else {
      switchToSketch();
      sketch.update(item, n);
    }
  }

  private void track(String item, long before, long after) {
    if (leaders == null) {
      return;
    }
    MetricValue.RankedItem now = new MetricValue.RankedItem(item, after);
    if (before > 0 && leaders.remove(new MetricValue.RankedItem(item, before))) {
      leaders.add(now);
    } else if (leaders.size() < trackedK) {
      leaders.add(now);
    } else if (RANK.compare(now, leaders.last()) < 0) {
      leaders.pollLast();
      leaders.add(now);
    }
  }

  private void stopTracking() {
    leaders = null;
    trackedK = 0;
  }

  private void switchToSketch() {
    sketch = new ItemsSketch<>(SKETCH_MAP_SIZE);
    exact.forEach((key, counter) -> sketch.update(key, counter[0]));
    exact = null;
    stopTracking();
  }

  @Override
  public void merge(Accumulator other) {
    TopKAccumulator o = (TopKAccumulator) other;
    events += o.events;
    stopTracking();
    if (o.sketch != null) {
      if (sketch == null) {
        switchToSketch();
      }
      sketch.merge(o.sketch);
    } else {
      o.exact.forEach((key, counter) -> count(key, counter[0]));
    }
  }

  @Override
  public long events() {
    return events;
  }

  public boolean isExact() {
    return sketch == null;
  }

  @Override
  public MetricValue result(MetricSpec spec) {
    return new MetricValue.Ranking(top(spec.k()));
  }

  /**
   * The {@code k} largest counts, largest first, ties by key. Early panes ask for this several
   * times a second per window, so it keeps a heap of {@code k} rather than sorting every value.
   */
  public List<MetricValue.RankedItem> top(int k) {
    if (sketch == null && k == trackedK && leaders != null) {
      return List.copyOf(leaders);
    }
    PriorityQueue<MetricValue.RankedItem> smallestFirst = new PriorityQueue<>(RANK.reversed());
    if (sketch == null) {
      exact.forEach((key, counter) -> offer(smallestFirst, k, key, counter[0]));
    } else {
      for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
        offer(smallestFirst, k, row.getItem(), row.getEstimate());
      }
    }
    List<MetricValue.RankedItem> top = new ArrayList<>(smallestFirst);
    top.sort(RANK);
    if (sketch == null && k > 0 && k <= AggregateSpec.MAX_K) {
      leaders = new TreeSet<>(RANK);
      leaders.addAll(top);
      trackedK = k;
    }
    return top;
  }

  private static void offer(
      PriorityQueue<MetricValue.RankedItem> smallestFirst, int k, String key, long count) {
    if (k <= 0) {
      return;
    }
    if (smallestFirst.size() < k) {
      smallestFirst.add(new MetricValue.RankedItem(key, count));
      return;
    }
    MetricValue.RankedItem smallest = smallestFirst.peek();
    // Ranks before the current k-th: a larger count, or the same count and a smaller key.
    if (count > smallest.count() || (count == smallest.count() && key.compareTo(smallest.key()) < 0)) {
      smallestFirst.poll();
      smallestFirst.add(new MetricValue.RankedItem(key, count));
    }
  }

  Map<String, long[]> exactCounts() {
    return exact;
  }

  ItemsSketch<String> sketch() {
    return sketch;
  }

  @Override
  public TopKAccumulator copy() {
    if (sketch != null) {
      ItemsSketch<String> sketchCopy = new ItemsSketch<>(SKETCH_MAP_SIZE);
      sketchCopy.merge(sketch);
      return new TopKAccumulator(events, null, sketchCopy);
    }
    Map<String, long[]> exactCopy = new HashMap<>(exact.size() * 2);
    exact.forEach((key, counter) -> exactCopy.put(key, new long[] {counter[0]}));
    return new TopKAccumulator(events, exactCopy, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopKAccumulator t
        && t.events == events
        && Objects.equals(t.top(Integer.MAX_VALUE), top(Integer.MAX_VALUE));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(events);
  }

  @Override
  public String toString() {
    return "TopK{events=" + events + ", top=" + top(3) + "}";
  }
}
