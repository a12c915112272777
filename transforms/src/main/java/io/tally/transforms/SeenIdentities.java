package io.tally.transforms;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The identities one de-duplication shard remembers, bucketed by the event time of their first
 * arrival, so that a whole bucket is forgotten at once when the watermark passes its end plus the
 * horizon: one timer per bucket instead of one per event.
 */
final class SeenIdentities {
  /** Bucket start (event time) → identities first seen in that bucket. */
  final TreeMap<Long, Set<String>> buckets;

  SeenIdentities() {
    this(new TreeMap<>());
  }

  SeenIdentities(TreeMap<Long, Set<String>> buckets) {
    this.buckets = buckets;
  }

  boolean contains(String identity) {
    for (Set<String> bucket : buckets.values()) {
      if (bucket.contains(identity)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers an identity; true when it opened a new bucket. */
  boolean add(long bucketStart, String identity) {
    Set<String> bucket = buckets.get(bucketStart);
    boolean opened = bucket == null;
    if (opened) {
      bucket = new HashSet<>();
      buckets.put(bucketStart, bucket);
    }
    bucket.add(identity);
    return opened;
  }

  /** Forgets the buckets that start before {@code bucketStart}. */
  void forgetBefore(long bucketStart) {
    buckets.headMap(bucketStart, false).clear();
  }

  boolean isEmpty() {
    return buckets.isEmpty();
  }

  long firstBucket() {
    return buckets.firstKey();
  }

  int size() {
    int size = 0;
    for (Map.Entry<Long, Set<String>> bucket : buckets.entrySet()) {
      size += bucket.getValue().size();
    }
    return size;
  }
}
