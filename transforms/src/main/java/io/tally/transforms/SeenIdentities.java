package io.tally.transforms;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * The identities one de-duplication shard remembers, bucketed by the event time of their first
 * arrival, so that a whole bucket is forgotten at once when the watermark passes its end plus the
 * horizon: one timer per bucket instead of one per event.
 *
 * <p>An identity is remembered as 112 bits of its 128-bit MurmurHash3, not as its text: at most 32
 * bytes of heap each (two {@code long}s in an open-addressing table that is at least half full) and
 * 16 bytes in a checkpoint, whatever the lengths of {@code source} and {@code id}. Two different
 * identities are taken for one only if those 112 bits match: with N identities remembered, a new
 * event is mistaken for a duplicate with probability at most N / 2^112 (see the de-duplication
 * section of docs/architecture.md for what that means over a year).
 *
 * <p>Each slot holds the hash's high 64 bits and, in the other {@code long}, a 16-bit tag of the
 * identity's bucket above 48 more bits of the hash. Tag 0 marks an empty slot. One probe sequence
 * tells whether an identity is known, whatever bucket holds it; forgetting buckets rebuilds the
 * table from the survivors, which a timer does once per bucket.
 *
 * <p>Public for the state benchmark; the pipeline uses it only through {@link DeduplicateEvents}.
 */
public final class SeenIdentities {
  /** Part of the checkpoint format: changing it forgets every identity in a restored state. */
  private static final long SEED = 0x7a11_5eedL;

  private static final int TAG_BITS = 16;
  private static final int TAG_SHIFT = Long.SIZE - TAG_BITS;
  static final long HASH_MASK = -1L >>> TAG_BITS;
  static final int MAX_TAG = (1 << TAG_BITS) - 1;

  /**
   * Past this load the table grows by half (rounded down), so that growing leaves it more than half
   * full: at most 32 bytes per identity.
   */
  private static final double MAX_LOAD = 0.75;

  /** The load a rebuilt table starts at. */
  private static final double REBUILT_LOAD = 0.6;

  private static final int MIN_CAPACITY = 8;

  private Slots slots = Slots.NONE;
  private int capacity;
  private int size;

  /** Bucket start (event time) → the bucket's tag and how many identities it holds. */
  private final TreeMap<Long, Bucket> buckets = new TreeMap<>();

  /** Tags in use, with {@link #buckets}. */
  private final BitSet tags = new BitSet(MAX_TAG + 1);

  private int nextTag = 1;

  /** A bucket of identities first seen within the same span of event time. */
  static final class Bucket {
    final int tag;
    int count;

    Bucket(int tag, int count) {
      this.tag = tag;
      this.count = count;
    }
  }

  /** The 128-bit hash an identity is remembered by: {@code {high, low}}. */
  public static long[] hash(String identity) {
    return MurmurHash3.hash(identity.getBytes(StandardCharsets.UTF_8), SEED);
  }

  public boolean contains(String identity) {
    long[] h = hash(identity);
    return find(h[0], h[1] & HASH_MASK) >= 0;
  }

  /**
   * Remembers an identity first seen in the bucket starting at {@code bucketStart}, unless it is
   * known already (then its bucket stays the one of its first arrival).
   *
   * @return whether the identity is new
   */
  public boolean add(long bucketStart, String identity) {
    long[] h = hash(identity);
    return add(bucketStart, h[0], h[1]);
  }

  /** {@link #add(long, String)} for an identity's {@link #hash}. */
  public boolean add(long bucketStart, long high, long low) {
    long bits = low & HASH_MASK;
    int slot = find(high, bits);
    if (slot >= 0) {
      return false;
    }
    if (size + 1 > capacity * MAX_LOAD) {
      resize(Math.max(MIN_CAPACITY, (int) (capacity * 1.5)));
      slot = find(high, bits);
    }
    Bucket bucket = bucketFor(bucketStart);
    bucket.count++;
    put(-slot - 1, high, ((long) bucket.tag << TAG_SHIFT) | bits);
    size++;
    return true;
  }

  /**
   * The slot holding the hash, or {@code -(empty slot) - 1} where it would go. Linear probing from
   * a home slot picked by the top bits (multiply-shift, so that any capacity works).
   */
  private int find(long high, long bits) {
    if (capacity == 0) {
      return -1;
    }
    int i = home(high);
    while (true) {
      long low = slots.low(i);
      if (low == 0) {
        return -i - 1;
      }
      if (slots.high(i) == high && (low & HASH_MASK) == bits) {
        return i;
      }
      i = i + 1 == capacity ? 0 : i + 1;
    }
  }

  private int home(long high) {
    return (int) (((high >>> 32) * capacity) >>> 32);
  }

  private void put(int slot, long high, long low) {
    slots.set(slot, high, low);
  }

  /** Moves every remembered hash into a table of {@code newCapacity} slots. */
  private void resize(int newCapacity) {
    Slots old = slots;
    slots = new Slots(newCapacity);
    capacity = newCapacity;
    for (int i = 0; i < old.capacity; i++) {
      long low = old.low(i);
      if (low != 0) {
        put(-find(old.high(i), low & HASH_MASK) - 1, old.high(i), low);
      }
    }
  }

  /**
   * The bucket starting at {@code start}, made when missing. In the unlikely case that every tag is
   * in use, the identity goes into a bucket that is forgotten no earlier than its own would be: the
   * next later one, or else the latest one, moved to {@code start}.
   */
  private Bucket bucketFor(long start) {
    Bucket bucket = buckets.get(start);
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() < MAX_TAG) {
      int tag = tags.nextClearBit(nextTag);
      if (tag > MAX_TAG) {
        tag = tags.nextClearBit(1);
      }
      nextTag = tag + 1;
      tags.set(tag);
      bucket = new Bucket(tag, 0);
      buckets.put(start, bucket);
      return bucket;
    }
    Map.Entry<Long, Bucket> later = buckets.ceilingEntry(start);
    if (later != null) {
      return later.getValue();
    }
    Bucket latest = buckets.pollLastEntry().getValue();
    buckets.put(start, latest);
    return latest;
  }

  /** Forgets the buckets that start before {@code bucketStart}. */
  public void forgetBefore(long bucketStart) {
    NavigableMap<Long, Bucket> expired = buckets.headMap(bucketStart, false);
    if (expired.isEmpty()) {
      return;
    }
    BitSet forgotten = new BitSet(MAX_TAG + 1);
    int survivors = size;
    for (Iterator<Bucket> it = expired.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      forgotten.set(bucket.tag);
      tags.clear(bucket.tag);
      survivors -= bucket.count;
      it.remove();
    }
    Slots old = slots;
    capacity = survivors > 0 ? capacityFor(survivors) : 0;
    slots = new Slots(capacity);
    size = 0;
    for (int i = 0; i < old.capacity; i++) {
      long low = old.low(i);
      if (low != 0 && !forgotten.get((int) (low >>> TAG_SHIFT))) {
        put(-find(old.high(i), low & HASH_MASK) - 1, old.high(i), low);
        size++;
      }
    }
  }

  private static int capacityFor(int entries) {
    return Math.max(MIN_CAPACITY, (int) Math.ceil(entries / REBUILT_LOAD));
  }

  public boolean isEmpty() {
    return buckets.isEmpty();
  }

  public long firstBucket() {
    return buckets.firstKey();
  }

  /** How many identities are remembered. */
  public int size() {
    return size;
  }

  /** The buckets in order of their start, for the coder. */
  NavigableMap<Long, Bucket> buckets() {
    return buckets;
  }

  /** The slots, for the coder: an empty one has a low word of 0. */
  Slots slots() {
    return slots;
  }

  /**
   * A state restored from its checkpoint form: the buckets with their tags and counts, and the
   * remembered hashes with their tags.
   */
  static SeenIdentities restore(TreeMap<Long, Bucket> buckets, long[] entries) {
    SeenIdentities seen = new SeenIdentities();
    long total = 0;
    for (Map.Entry<Long, Bucket> bucket : buckets.entrySet()) {
      int tag = bucket.getValue().tag;
      if (tag < 1 || tag > MAX_TAG || seen.tags.get(tag)) {
        throw new IllegalArgumentException("bucket tag " + tag + " is out of range or repeated");
      }
      seen.tags.set(tag);
      seen.buckets.put(bucket.getKey(), bucket.getValue());
      total += bucket.getValue().count;
    }
    if (total != entries.length / 2) {
      throw new IllegalArgumentException(
          "the buckets count " + total + " identities, the state holds " + entries.length / 2);
    }
    seen.capacity = capacityFor(entries.length / 2);
    seen.slots = new Slots(seen.capacity);
    for (int i = 0; i < entries.length; i += 2) {
      long low = entries[i + 1];
      if (!seen.tags.get((int) (low >>> TAG_SHIFT))) {
        throw new IllegalArgumentException("an identity refers to no bucket");
      }
      int slot = seen.find(entries[i], low & HASH_MASK);
      if (slot >= 0) {
        throw new IllegalArgumentException("an identity is remembered twice");
      }
      seen.put(-slot - 1, entries[i], low);
      seen.size++;
    }
    return seen;
  }

  /** Slots in the table, for tests: at most twice {@link #size} once past the smallest table. */
  int capacity() {
    return capacity;
  }

  @Override
  public String toString() {
    return "SeenIdentities{size="
        + size
        + ", capacity="
        + capacity
        + ", buckets="
        + buckets.keySet()
        + "}";
  }

  /**
   * The table's slots, two {@code long}s each (hash bits 64..127; tag and hash bits 0..47), in
   * pages of 4,096 slots (64 KiB). One array per shard would reach megabytes with a large horizon,
   * and G1 gives each such "humongous" array whole regions of its own: 100 million identities took
   * 43 bytes each instead of 28 that way.
   */
  static final class Slots {
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SLOTS = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE_SLOTS - 1;
    static final Slots NONE = new Slots(0);

    final int capacity;
    private final long[][] pages;

    Slots(int capacity) {
      this.capacity = capacity;
      pages = new long[(capacity + PAGE_SLOTS - 1) >>> PAGE_BITS][];
      for (int p = 0; p < pages.length; p++) {
        pages[p] = new long[2 * Math.min(PAGE_SLOTS, capacity - (p << PAGE_BITS))];
      }
    }

    long high(int slot) {
      return pages[slot >>> PAGE_BITS][(slot & PAGE_MASK) << 1];
    }

    long low(int slot) {
      return pages[slot >>> PAGE_BITS][((slot & PAGE_MASK) << 1) + 1];
    }

    void set(int slot, long high, long low) {
      long[] page = pages[slot >>> PAGE_BITS];
      int i = (slot & PAGE_MASK) << 1;
      page[i] = high;
      page[i + 1] = low;
    }
  }
}
