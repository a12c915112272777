package io.tally.model.aggregate;

import io.tally.model.metric.AggregateSpec;
import io.tally.model.metric.MetricSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.ObjLongConsumer;
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
  private Map<String, ItemCount> exact;

  /** Null while counts are exact. */
  private ItemsSketch<String> sketch;

  /**
   * The current top {@code leaders.length} of the exact counts, in rank order, kept up to date as
   * counts grow once someone has asked for a ranking: early panes ask several times a second.
   * Counts only grow, so a value enters the leaders only by passing the last of them, and a leader
   * that grows moves up by swaps with its neighbours: no allocation, no tree, per event.
   */
  private ItemCount[] leaders;

  private int leaderCount;

  public TopKAccumulator() {
    this(0, new HashMap<>(), null);
  }

  private TopKAccumulator(long events, Map<String, ItemCount> exact, ItemsSketch<String> sketch) {
    this.events = events;
    this.exact = exact;
    this.sketch = sketch;
  }

  /** An exact accumulator to be filled with {@link #restoreCount}, for decoding. */
  static TopKAccumulator exact(long events, int distinctItems) {
    return new TopKAccumulator(events, new HashMap<>(Math.max(16, distinctItems * 2)), null);
  }

  static TopKAccumulator sketched(long events, ItemsSketch<String> sketch) {
    return new TopKAccumulator(events, null, sketch);
  }

  void restoreCount(String item, long count) {
    exact.put(item, new ItemCount(item, count));
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
    ItemCount counter = exact.get(item);
    if (counter == null) {
      if (exact.size() >= EXACT_LIMIT) {
        switchToSketch();
        sketch.update(item, n);
        return;
      }
      counter = new ItemCount(item, 0);
      exact.put(item, counter);
    }
    counter.count += n;
    if (leaders != null) {
      promote(counter);
    }
  }

  /** Restores the leaders' order after {@code counter} grew. */
  private void promote(ItemCount counter) {
    int slot = counter.slot;
    if (slot < 0) {
      if (leaderCount < leaders.length) {
        slot = leaderCount++;
      } else {
        ItemCount last = leaders[leaderCount - 1];
        if (!counter.ranksBefore(last)) {
          return;
        }
        last.slot = -1;
        slot = leaderCount - 1;
      }
      leaders[slot] = counter;
      counter.slot = slot;
    }
    while (slot > 0 && counter.ranksBefore(leaders[slot - 1])) {
      ItemCount passed = leaders[slot - 1];
      leaders[slot] = passed;
      passed.slot = slot;
      slot--;
    }
    leaders[slot] = counter;
    counter.slot = slot;
  }

  private void stopTracking() {
    if (leaders != null) {
      for (int i = 0; i < leaderCount; i++) {
        leaders[i].slot = -1;
      }
    }
    leaders = null;
    leaderCount = 0;
  }

  private void switchToSketch() {
    stopTracking();
    sketch = new ItemsSketch<>(SKETCH_MAP_SIZE);
    exact.forEach((key, counter) -> sketch.update(key, counter.count));
    exact = null;
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
      o.exact.forEach((key, counter) -> count(key, counter.count));
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
   * times a second per window: after the first call for a {@code k}, the leaders are kept up to
   * date as counts grow, so later calls cost {@code k}, not the number of values.
   */
  public List<MetricValue.RankedItem> top(int k) {
    if (sketch == null && leaders != null && k == leaders.length) {
      List<MetricValue.RankedItem> top = new ArrayList<>(leaderCount);
      for (int i = 0; i < leaderCount; i++) {
        top.add(new MetricValue.RankedItem(leaders[i].item, leaders[i].count));
      }
      return top;
    }
    PriorityQueue<MetricValue.RankedItem> smallestFirst = new PriorityQueue<>(RANK.reversed());
    if (sketch == null) {
      exact.forEach((key, counter) -> offer(smallestFirst, k, key, counter.count));
    } else {
      for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
        offer(smallestFirst, k, row.getItem(), row.getEstimate());
      }
    }
    List<MetricValue.RankedItem> top = new ArrayList<>(smallestFirst);
    top.sort(RANK);
    if (sketch == null && k > 0 && k <= AggregateSpec.MAX_K) {
      stopTracking();
      leaders = new ItemCount[k];
      for (MetricValue.RankedItem item : top) {
        ItemCount counter = exact.get(item.key());
        counter.slot = leaderCount;
        leaders[leaderCount++] = counter;
      }
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
    if (count > smallest.count()
        || (count == smallest.count() && key.compareTo(smallest.key()) < 0)) {
      smallestFirst.poll();
      smallestFirst.add(new MetricValue.RankedItem(key, count));
    }
  }

  int distinctItems() {
    return exact.size();
  }

  void forEachExactCount(ObjLongConsumer<String> action) {
    exact.forEach((item, counter) -> action.accept(item, counter.count));
  }

  ItemsSketch<String> sketch() {
    return sketch;
  }

  @Override
  public TopKAccumulator copy() {
    if (sketch != null) {
      ItemsSketch<String> sketchCopy = new ItemsSketch<>(SKETCH_MAP_SIZE);
      sketchCopy.merge(sketch);
      return sketched(events, sketchCopy);
    }
    TopKAccumulator copy = exact(events, exact.size());
    exact.forEach((key, counter) -> copy.restoreCount(key, counter.count));
    return copy;
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

  /** One value's exact count, and its place among the leaders ({@code -1}: not a leader). */
  private static final class ItemCount {
    final String item;
    long count;
    int slot = -1;

    ItemCount(String item, long count) {
      this.item = item;
      this.count = count;
    }

    /** Same order as {@link #RANK}: a larger count, or the same count and a smaller key. */
    boolean ranksBefore(ItemCount other) {
      return count > other.count || (count == other.count && item.compareTo(other.item) < 0);
    }
  }

  @Override
  public String toString() {
    return "TopK{events=" + events + ", top=" + top(3) + "}";
  }
}
