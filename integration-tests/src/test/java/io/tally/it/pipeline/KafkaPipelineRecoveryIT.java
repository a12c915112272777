package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.it.ingest.KafkaRecords;
import io.tally.it.support.KafkaBroker;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.runners.launch.Checkpoints;
import io.tally.runners.load.GroundTruth;
import io.tally.runners.streaming.StreamingMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming job killed with {@code kill -9} while events keep arriving, then restarted with
 * {@code --restoreFrom=latest}: the final window counts on the change feed equal the ground truth
 * exactly, so nothing was lost and nothing counted twice (the replay after the last checkpoint is
 * de-duplicated by the restored state, and published again harmlessly).
 */
@ExtendWith(KafkaBroker.class)
class KafkaPipelineRecoveryIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String EVENTS = "recovery-it-events-" + RUN;
  private static final String FEED = "recovery-it-aggregates-" + RUN;
  private static final String DLQ = "recovery-it-dlq-" + RUN;
  private static final long WINDOW = 2_000;
  private static final double RATE = 400;
  private static final long EVENTS_AFTER_RESTARTING = 2_000; // 5 s at 400/s

  @TempDir Path dir;

  @Test
  void aKilledJobRestoredFromItsLastCheckpointLosesNothingAndCountsNothingTwice() throws Exception {
    killAndRestore("heap", List.of());
  }

  /** The same with state in RocksDB, restored from its incremental checkpoints. */
  @Test
  void onRocksDbAKilledJobRestoredFromItsIncrementalCheckpointsLosesNothing() throws Exception {
    killAndRestore("rocksdb", List.of("--stateBackend=rocksdb"));
  }

  private void killAndRestore(String name, List<String> extra) throws Exception {
    String events = EVENTS + "-" + name;
    String feed = FEED + "-" + name;
    Path metrics = dir.resolve("metrics.yaml");
    Files.writeString(metrics, FinalWindows.COUNT_BY_CATEGORY);
    Path checkpoints = dir.resolve("checkpoints-" + name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrapServers=" + KafkaBroker.bootstrapServers(),
                "--eventsTopic=" + events,
                "--changeFeedTopic=" + feed,
                "--deadLetterTopic=" + DLQ + "-" + name,
                "--consumerGroup=recovery-it-" + RUN + "-" + name,
                "--rulesTopic=recovery-it-rules-" + RUN + "-" + name,
                "--metricsFile=" + metrics,
                "--maxDisorder=1s",
                "--checkpointDir=" + checkpoints,
                "--checkpointingInterval=1000",
                "--restoreFrom=latest"));
    args.addAll(extra);
    KafkaTopics.ensure(StreamingMain.options(args.toArray(String[]::new)), 4, (short) 1);

    GroundTruth truth = new GroundTruth(WINDOW);

    StreamingProcess first = StreamingProcess.start(dir.resolve("first.log"), args);
    StreamingProcess second = null;
    LiveEvents live = null;
    try {
      // Running once it has checkpointed.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Checkpoints.latest(checkpoints).isPresent() || !first.isAlive());
      assertThat(first.isAlive()).as(first.output()).isTrue();

      // Events flow throughout: before the kill, while the job is down, and after it restarted.
      live = LiveEvents.start(events, RATE, 7, truth);

      // Kill it mid-stream, once it has published results and checkpointed what led to them.
      Path before = Checkpoints.latest(checkpoints).orElseThrow();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  !KafkaRecords.readAll(feed).isEmpty()
                      && !Checkpoints.latest(checkpoints).orElseThrow().equals(before));
      first.kill();
      Optional<Path> restoredFrom = Checkpoints.latest(checkpoints);

      second = StreamingProcess.start(dir.resolve("second.log"), args);
      StreamingProcess restarted = second;
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> restarted.output().contains("restored from") || !restarted.isAlive());
      assertThat(restarted.output()).contains(restoredFrom.orElseThrow().getFileName().toString());

      assertThat(live.finishAfter(EVENTS_AFTER_RESTARTING)).isGreaterThan(EVENTS_AFTER_RESTARTING);
      assertThat(truth.late()).isZero();
      FinalWindows.awaitEqual(feed, truth.byWindow());
      // Incremental checkpoints keep RocksDB's files in the job's shared directory; heap
      // snapshots leave it empty.
      try (Stream<Path> files = Files.walk(checkpoints)) {
        assertThat(
                files.anyMatch(
                    f ->
                        Files.isRegularFile(f)
                            && f.getParent().getFileName().toString().equals("shared")))
            .as("files in shared/")
            .isEqualTo(!extra.isEmpty());
      }
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
      if (live != null) {
        live.close();
      }
    }
  }
}
