package io.tally.model.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ObjLongConsumer;

/**
 * Exact counts of distinct values, in parallel arrays: the values and their counts in order of
 * first arrival, and an open-addressing table of their positions by hash.
 *
 * <p>Why arrays rather than a hash map of counter objects: a window of a top-K metric holds
 * thousands of values, and Flink's heap state copies a window's whole state, through its coder, the
 * first time it is touched while a checkpoint is being written. Decoding into arrays allocates a
 * few arrays per window instead of a map entry and a counter per value, and leaves the garbage
 * collector that many fewer objects to trace.
 *
 * <p>Once someone has asked for a ranking ({@link #top}), the leaders are kept up to date as counts
 * grow: counts only grow, so a value enters the leaders only by passing the last of them, and a
 * leader that grows moves up by swaps with its neighbours, with no allocation per event.
 */
final class ExactCounts {
  private static final int MIN_CAPACITY = 8;

  private String[] items;
  private long[] counts;
  private int size;

  /** Position + 1 of each value, at the slot its hash picks or the next free one; 0 is free. */
  private int[] table;

  /** {@code 32 - log2(table.length)}: the table's slot of a hash is its top bits. */
  private int shift;

  /** The leaders' positions in rank order; null while nobody has asked for a ranking. */
  private int[] leaders;

  private int leaderCount;

  /** Per position, its place among the leaders, or -1; allocated with {@link #leaders}. */
  private int[] leaderSlots;

  /**
   * The last leader's count once there are as many leaders as asked for, else the smallest long: a
   * smaller count is no leader and cannot become one, which most increments learn from this alone.
   */
  private long leaderEntry = Long.MIN_VALUE;

  ExactCounts(int expectedValues) {
    int capacity = Math.max(MIN_CAPACITY, expectedValues);
    items = new String[capacity];
    counts = new long[capacity];
    resizeTable(tableLengthFor(capacity));
  }

  int size() {
    return size;
  }

  /** The value at {@code position}: positions run from 0 to {@link #size}, in arrival order. */
  String item(int position) {
    return items[position];
  }

  long count(int position) {
    return counts[position];
  }

  /** The position of {@code item}, or -1 when it has no count yet. */
  int find(String item) {
    int mask = table.length - 1;
    for (int slot = home(item); ; slot = (slot + 1) & mask) {
      int entry = table[slot];
      if (entry == 0) {
        return -1;
      }
      if (items[entry - 1].equals(item)) {
        return entry - 1;
      }
    }
  }

  /** Adds a value not counted yet, with {@code count}; returns its position. */
  int append(String item, long count) {
    if (size == items.length) {
      int capacity = size + (size >> 1);
      items = Arrays.copyOf(items, capacity);
      counts = Arrays.copyOf(counts, capacity);
      if (leaderSlots != null) {
        int old = leaderSlots.length;
        leaderSlots = Arrays.copyOf(leaderSlots, capacity);
        Arrays.fill(leaderSlots, old, capacity, -1);
      }
    }
    int position = size++;
    items[position] = item;
    counts[position] = count;
    if (size * 2 > table.length) {
      resizeTable(table.length * 2);
    } else {
      insert(position);
    }
    return position;
  }

  /** The position of {@code item}, appended with a count of 0 when it has none yet. */
  int positionOf(String item) {
    int position = find(item);
    return position >= 0 ? position : append(item, 0);
  }

  /** Adds {@code n} to the count at {@code position}. */
  void increment(int position, long n) {
    long count = counts[position] += n;
    if (leaders != null && count >= leaderEntry) {
      promote(position);
    }
  }

  void forEach(ObjLongConsumer<String> action) {
    for (int i = 0; i < size; i++) {
      action.accept(items[i], counts[i]);
    }
  }

  /** The {@code k} largest counts, largest first, ties by value; tracks them from then on. */
  List<MetricValue.RankedItem> top(int k, int maxTracked) {
    if (leaders != null && leaders.length == k) {
      List<MetricValue.RankedItem> top = new ArrayList<>(leaderCount);
      for (int i = 0; i < leaderCount; i++) {
        top.add(new MetricValue.RankedItem(items[leaders[i]], counts[leaders[i]]));
      }
      return top;
    }
    int[] ranked = rank(k);
    List<MetricValue.RankedItem> top = new ArrayList<>(ranked.length);
    for (int position : ranked) {
      top.add(new MetricValue.RankedItem(items[position], counts[position]));
    }
    if (k > 0 && k <= maxTracked) {
      stopTracking();
      leaders = new int[k];
      leaderSlots = new int[items.length];
      Arrays.fill(leaderSlots, -1);
      for (int position : ranked) {
        leaderSlots[position] = leaderCount;
        leaders[leaderCount++] = position;
      }
      noteLeaderEntry();
    }
    return top;
  }

  /** Forgets the leaders, until the next ranking: merging moves many counts at once. */
  void stopTracking() {
    leaders = null;
    leaderSlots = null;
    leaderCount = 0;
    leaderEntry = Long.MIN_VALUE;
  }

  /** The same counts, without the leaders: the arrays as they are, no value hashed again. */
  ExactCounts copy() {
    return new ExactCounts(this);
  }

  private ExactCounts(ExactCounts source) {
    items = Arrays.copyOf(source.items, source.items.length);
    counts = Arrays.copyOf(source.counts, source.counts.length);
    size = source.size;
    table = Arrays.copyOf(source.table, source.table.length);
    shift = source.shift;
  }

  /**
   * The positions of the {@code k} largest counts, in rank order: a heap of the best {@code k} so
   * far whose root ranks last, then sorted by taking the root off; positions stay ints throughout,
   * since this runs over every value of a window whenever its leaders are unknown (after every copy
   * a checkpoint makes).
   */
  private int[] rank(int k) {
    int n = Math.min(Math.max(k, 0), size);
    int[] heap = new int[n];
    if (n == 0) {
      return heap;
    }
    for (int i = 0; i < size; i++) {
      if (i < n) {
        heap[i] = i;
        siftUp(heap, i);
      } else if (ranksBefore(i, heap[0])) {
        heap[0] = i;
        siftDown(heap, n, 0);
      }
    }
    for (int end = n - 1; end > 0; end--) {
      int last = heap[0];
      heap[0] = heap[end];
      heap[end] = last;
      siftDown(heap, end, 0);
    }
    return heap;
  }

  /** Moves {@code heap[at]} up past the parents it ranks after. */
  private void siftUp(int[] heap, int at) {
    int position = heap[at];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!ranksBefore(heap[parent], position)) {
        break;
      }
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = position;
  }

  /** Moves {@code heap[at]} down past the children that rank after it, within {@code length}. */
  private void siftDown(int[] heap, int length, int at) {
    int position = heap[at];
    while (true) {
      int child = 2 * at + 1;
      if (child >= length) {
        break;
      }
      if (child + 1 < length && ranksBefore(heap[child], heap[child + 1])) {
        child++; // the child that ranks last
      }
      if (!ranksBefore(position, heap[child])) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = position;
  }

  /** A larger count, or the same count and a smaller value. */
  private boolean ranksBefore(int a, int b) {
    return counts[a] > counts[b] || (counts[a] == counts[b] && items[a].compareTo(items[b]) < 0);
  }

  /** Restores the leaders' order after the count at {@code position} grew. */
  private void promote(int position) {
    int slot = leaderSlots[position];
    if (slot < 0) {
      if (leaderCount < leaders.length) {
        slot = leaderCount++;
      } else {
        int last = leaders[leaderCount - 1];
        if (!ranksBefore(position, last)) {
          return;
        }
        leaderSlots[last] = -1;
        slot = leaderCount - 1;
      }
      leaders[slot] = position;
      leaderSlots[position] = slot;
    }
    while (slot > 0 && ranksBefore(position, leaders[slot - 1])) {
      int passed = leaders[slot - 1];
      leaders[slot] = passed;
      leaderSlots[passed] = slot;
      slot--;
    }
    leaders[slot] = position;
    leaderSlots[position] = slot;
    noteLeaderEntry();
  }

  private void noteLeaderEntry() {
    leaderEntry = leaderCount == leaders.length ? counts[leaders[leaderCount - 1]] : Long.MIN_VALUE;
  }

  private int home(String item) {
    // Fibonacci hashing: the top bits of the product spread even poor string hashes.
    return (item.hashCode() * 0x9E3779B9) >>> shift;
  }

  private void insert(int position) {
    int mask = table.length - 1;
    int slot = home(items[position]);
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = position + 1;
  }

  private void resizeTable(int length) {
    table = new int[length];
    shift = Integer.SIZE - Integer.numberOfTrailingZeros(length);
    for (int i = 0; i < size; i++) {
      insert(i);
    }
  }

  /** A power of two at least twice {@code capacity}: the table stays at most half full. */
  private static int tableLengthFor(int capacity) {
    return Integer.highestOneBit(capacity * 2 - 1) << 1;
  }
}
