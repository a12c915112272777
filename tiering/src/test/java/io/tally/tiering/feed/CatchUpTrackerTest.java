package io.tally.tiering.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CatchUpTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);
  private static final TopicPartition P2 = new TopicPartition("t", 2);

  @Test
  void notCaughtUpBeforeAnyPartitionIsKnown() {
    assertThat(new CatchUpTracker().caughtUp()).isFalse();
  }

  @Test
  void caughtUpWhenEveryPartitionReachedItsEndAtStart() {
    CatchUpTracker tracker = new CatchUpTracker();
    tracker.addPartitions(Map.of(P0, 10L, P1, 0L, P2, 5L));
    assertThat(tracker.lag()).isEqualTo(15);

    tracker.update(P0, 10, OptionalLong.of(0));
    tracker.update(P1, 0, OptionalLong.empty());
    assertThat(tracker.caughtUp()).isFalse(); // P2 has no position yet

    tracker.update(P2, 3, OptionalLong.empty());
    assertThat(tracker.caughtUp()).isFalse();
    assertThat(tracker.lag()).isEqualTo(2);

    // Past the end observed at start (a transaction marker, or new records): caught up.
    tracker.update(P2, 7, OptionalLong.of(4));
    assertThat(tracker.caughtUp()).isTrue();
    assertThat(tracker.lag()).isEqualTo(4);
  }

  @Test
  void staysCaughtUpAndKeepsTheFirstTarget() {
    CatchUpTracker tracker = new CatchUpTracker();
    tracker.addPartitions(Map.of(P0, 2L));
    tracker.update(P0, 2, OptionalLong.of(0));
    assertThat(tracker.caughtUp()).isTrue();

    tracker.addPartitions(Map.of(P0, 100L, P1, 50L));
    assertThat(tracker.targets()).containsEntry(P0, 2L).containsEntry(P1, 50L);
    assertThat(tracker.caughtUp()).isTrue();
    assertThat(tracker.partitions()).isEqualTo(2);
  }
}
