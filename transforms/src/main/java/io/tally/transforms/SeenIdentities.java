package io.tally.transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identities one de-duplication shard remembers, bucketed by the event time of their first
 * arrival, so that a whole bucket is forgotten at once when the watermark passes its end plus the
 * horizon: one timer per bucket instead of one per event. One hash lookup tells whether an identity
 * is known, whatever bucket holds it.
 */
final class SeenIdentities {
  private final Map<String, Long> bucketOf;

  /** Bucket start (event time) → identities first seen in that bucket. */
  private final TreeMap<Long, List<String>> buckets;

  SeenIdentities() {
    this(new HashMap<>(), new TreeMap<>());
  }

  private SeenIdentities(Map<String, Long> bucketOf, TreeMap<Long, List<String>> buckets) {
    this.bucketOf = bucketOf;
    this.buckets = buckets;
  }

  boolean contains(String identity) {
    return bucketOf.containsKey(identity);
  }

  /** Remembers an identity first seen in the bucket starting at {@code bucketStart}. */
  void add(long bucketStart, String identity) {
    Long start = bucketStart;
    if (bucketOf.putIfAbsent(identity, start) == null) {
      buckets.computeIfAbsent(start, s -> new ArrayList<>()).add(identity);
    }
  }

  /** Forgets the buckets that start before {@code bucketStart}. */
  void forgetBefore(long bucketStart) {
    Map<Long, List<String>> expired = buckets.headMap(bucketStart, false);
    for (List<String> identities : expired.values()) {
      for (String identity : identities) {
        bucketOf.remove(identity);
      }
    }
    expired.clear();
  }

  boolean isEmpty() {
    return buckets.isEmpty();
  }

  long firstBucket() {
    return buckets.firstKey();
  }

  /** The buckets in order, for the coder. */
  Map<Long, List<String>> buckets() {
    return buckets;
  }

  static SeenIdentities of(TreeMap<Long, List<String>> buckets) {
    Map<String, Long> bucketOf = new HashMap<>();
    for (Map.Entry<Long, List<String>> bucket : buckets.entrySet()) {
      for (String identity : bucket.getValue()) {
        bucketOf.put(identity, bucket.getKey());
      }
    }
    return new SeenIdentities(bucketOf, buckets);
  }
}
