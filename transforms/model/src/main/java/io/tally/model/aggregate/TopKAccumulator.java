package io.tally.model.aggregate;

import io.tally.model.metric.AggregateSpec;
import io.tally.model.metric.MetricSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
  private ExactCounts exact;

  /** Null while counts are exact. */
  private ItemsSketch<String> sketch;

  public TopKAccumulator() {
    this(0, new ExactCounts(16), null);
  }

  private TopKAccumulator(long events, ExactCounts exact, ItemsSketch<String> sketch) {
    this.events = events;
    this.exact = exact;
    this.sketch = sketch;
  }

  /** An exact accumulator to be filled with {@link #restoreCount}, for decoding. */
  static TopKAccumulator exact(long events, int distinctItems) {
    return new TopKAccumulator(events, new ExactCounts(distinctItems), null);
  }

  static TopKAccumulator sketched(long events, ItemsSketch<String> sketch) {
    return new TopKAccumulator(events, null, sketch);
  }

  /** Restores one value's count; each value once, for decoding. */
  void restoreCount(String item, long count) {
    exact.append(item, count);
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
    int position = exact.find(item);
    if (position < 0) {
      if (exact.size() >= EXACT_LIMIT) {
        switchToSketch();
        sketch.update(item, n);
        return;
      }
      position = exact.append(item, 0);
    }
    exact.increment(position, n);
  }

  private void switchToSketch() {
    sketch = new ItemsSketch<>(SKETCH_MAP_SIZE);
    exact.forEach(sketch::update);
    exact = null;
  }

  @Override
  public void merge(Accumulator other) {
    TopKAccumulator o = (TopKAccumulator) other;
    events += o.events;
    if (exact != null) {
      exact.stopTracking();
    }
    if (o.sketch != null) {
      if (sketch == null) {
        switchToSketch();
      }
      sketch.merge(o.sketch);
    } else {
      o.exact.forEach(this::count);
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
    if (sketch == null) {
      return exact.top(k, AggregateSpec.MAX_K);
    }
    PriorityQueue<MetricValue.RankedItem> lastFirst = new PriorityQueue<>(RANK.reversed());
    for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
      offer(lastFirst, k, row.getItem(), row.getEstimate());
    }
    List<MetricValue.RankedItem> top = new ArrayList<>(lastFirst);
    top.sort(RANK);
    return top;
  }

  private static void offer(
      PriorityQueue<MetricValue.RankedItem> lastFirst, int k, String key, long count) {
    if (k <= 0) {
      return;
    }
    if (lastFirst.size() < k) {
      lastFirst.add(new MetricValue.RankedItem(key, count));
      return;
    }
    MetricValue.RankedItem last = lastFirst.peek();
    // Ranks before the current k-th: a larger count, or the same count and a smaller key.
    if (count > last.count() || (count == last.count() && key.compareTo(last.key()) < 0)) {
      lastFirst.poll();
      lastFirst.add(new MetricValue.RankedItem(key, count));
    }
  }

  int distinctItems() {
    return exact.size();
  }

  /** The exact counts; null once sketched. */
  ExactCounts exactCounts() {
    return exact;
  }

  void forEachExactCount(ObjLongConsumer<String> action) {
    exact.forEach(action);
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
    return new TopKAccumulator(events, exact.copy(), null);
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
