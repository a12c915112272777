package io.tally.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  // Lines as the job writes them (Flink 1.19's checkpoint coordinator through the launchers'
  // logback pattern), with a stage lag line between them that must be ignored.
  private static final List<String> LOG =
      List.of(
          "13:50:12.155 INFO  [Checkpoint Timer] o.a.f.r.c.CheckpointCoordinator - Triggering"
              + " checkpoint 1 (type=CheckpointType{name='Checkpoint',"
              + " sharingFilesStrategy=FORWARD_BACKWARD}) @ 1796392211869 for job"
              + " 3c9538af8a1b2c5e6ece0f8bf638b35e.",
          "13:50:12.300 INFO  [tally-resources] i.t.runners.launch.ProcessResources - stage lag"
              + " (ms): in_kafka 0/0/0 of 0",
          "13:50:20.420 INFO  [jobmanager-io-thread-1] o.a.f.r.c.CheckpointCoordinator -"
              + " Completed checkpoint 1 for job 3c9538af8a1b2c5e6ece0f8bf638b35e (561900 bytes,"
              + " checkpointDuration=8549 ms, finalizationTime=95 ms).",
          "13:50:21.869 INFO  [Checkpoint Timer] o.a.f.r.c.CheckpointCoordinator - Triggering"
              + " checkpoint 2 (type=CheckpointType{name='Checkpoint',"
              + " sharingFilesStrategy=FORWARD_BACKWARD}) @ 1796392221869 for job"
              + " 3c9538af8a1b2c5e6ece0f8bf638b35e.");

  @Test
  void aCompletedCheckpointRunsFromItsTriggerForItsDuration() {
    assertThat(Checkpoint.fromLog(LOG))
        .containsExactly(new Checkpoint(1, 1796392211869L, 1796392211869L + 8549));
  }

  @Test
  void oneNotCompletedIsLeftOut() {
    assertThat(Checkpoint.fromLog(LOG.subList(3, 4))).isEmpty();
    assertThat(Checkpoint.fromLog(LOG.subList(2, 4)))
        .as("a completion whose trigger the log no longer holds")
        .isEmpty();
  }

  @Test
  void aProbeMeetsACheckpointWhenTheirSpansShareAMoment() {
    Checkpoint checkpoint = new Checkpoint(1, 1_000, 1_500);
    assertThat(checkpoint.overlaps(600, 999)).isFalse();
    assertThat(checkpoint.overlaps(600, 1_000)).isTrue();
    assertThat(checkpoint.overlaps(1_100, 1_200)).isTrue();
    assertThat(checkpoint.overlaps(1_500, 1_900)).isTrue();
    assertThat(checkpoint.overlaps(1_501, 1_900)).isFalse();
    assertThat(
            Checkpoint.anyOverlaps(
                List.of(checkpoint, new Checkpoint(2, 3_000, 3_100)), 2_000, 2_999))
        .isFalse();
    assertThat(
            Checkpoint.anyOverlaps(
                List.of(checkpoint, new Checkpoint(2, 3_000, 3_100)), 2_000, 3_000))
        .isTrue();
  }
}
