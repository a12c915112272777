package io.tally.tiering.feed;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows whether a reader that started at the beginning of every partition has caught up: each
 * partition's position has reached the end offset observed when the reader first saw it. Once
 * caught up it stays so (later lag is ordinary streaming lag, reported by {@link #lag}).
 *
 * <p>Positions, not the offsets of records read, because a partition's end can lie past its last
 * record (transaction markers, compacted-away records).
 */
final class CatchUpTracker {
  private final Map<TopicPartition, Long> targets = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<TopicPartition, Long> lags = new HashMap<>();
  private boolean caughtUp;

  /** Partitions seen for the first time, with their end offsets at that moment. */
  synchronized void addPartitions(Map<TopicPartition, Long> endOffsets) {
    endOffsets.forEach(targets::putIfAbsent);
  }

  /**
   * Where the reader is in {@code partition}; {@code currentLag} is what the consumer knows of the
   * distance to the partition's current end, when it knows.
   */
  synchronized void update(TopicPartition partition, long position, OptionalLong currentLag) {
    positions.put(partition, position);
    Long target = targets.get(partition);
    long fallback = target == null ? 0 : Math.max(0, target - position);
    lags.put(partition, currentLag.isPresent() ? currentLag.getAsLong() : fallback);
  }

  /** True once every known partition reached its target; never before a partition is known. */
  synchronized boolean caughtUp() {
    if (caughtUp) {
      return true;
    }
    if (targets.isEmpty()) {
      return false;
    }
    for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
      Long position = positions.get(target.getKey());
      if (position == null || position < target.getValue()) {
        return false;
      }
    }
    caughtUp = true;
    return true;
  }

  /** Records between the reader and the ends of all partitions (as far as it knows). */
  synchronized long lag() {
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
      Long known = lags.get(target.getKey());
      lag += known != null ? known : target.getValue();
    }
    return lag;
  }

  synchronized int partitions() {
    return targets.size();
  }

  /** A copy of the end offsets the reader has to reach. */
  synchronized Map<TopicPartition, Long> targets() {
    return new HashMap<>(targets);
  }
}
