package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import io.tally.it.support.KafkaBroker;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.Checkpoints;
import io.tally.runners.GroundTruth;
import io.tally.runners.StreamingMain;
import io.tally.runners.SyntheticProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.core.ConditionTimeoutException;
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
  private static final long EVENTS_TOTAL = 4_000; // 10 s at 400/s
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aKilledJobRestoredFromItsLastCheckpointLosesNothingAndCountsNothingTwice() throws Exception {
    Path metrics = dir.resolve("metrics.yaml");
    Files.writeString(
        metrics,
        """
        metrics:
          - name: count_by_category
            groupBy: [category]
            aggregate: { fn: count }
            window: { size: 2s }
            allowedLateness: 0s
        """);
    Path checkpoints = dir.resolve("checkpoints");
    List<String> args =
        List.of(
            "--bootstrapServers=" + KafkaBroker.bootstrapServers(),
            "--eventsTopic=" + EVENTS,
            "--changeFeedTopic=" + FEED,
            "--deadLetterTopic=" + DLQ,
            "--consumerGroup=recovery-it-" + RUN,
            "--rulesTopic=recovery-it-rules-" + RUN,
            "--metricsFile=" + metrics,
            "--maxDisorder=1s",
            "--checkpointDir=" + checkpoints,
            "--checkpointingInterval=1000",
            "--restoreFrom=latest");
    KafkaTopics.ensure(StreamingMain.options(args.toArray(String[]::new)), 4, (short) 1);

    GroundTruth truth = new GroundTruth(WINDOW);

    StreamingProcess first = StreamingProcess.start(dir.resolve("first.log"), args);
    StreamingProcess second = null;
    CompletableFuture<Long> producing = null;
    try {
      // Running once it has checkpointed.
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> Checkpoints.latest(checkpoints).isPresent() || !first.isAlive());
      assertThat(first.isAlive()).as(first.output()).isTrue();

      // Events flow throughout, also while the job is down. Live: event i is due at the
      // generator's creation plus i / RATE, with its time up to 300 ms before that.
      // Enough categories to give each of the 4 partitions some (see PostedEvents.CATEGORIES).
      SyntheticEvents events =
          SyntheticEvents.of(
              SyntheticSettings.live(RATE)
                  .withSeed(7)
                  .withCategories(24)
                  .withDuplicateShare(0.1)
                  .withMaxDisorderMillis(300));
      producing =
          CompletableFuture.supplyAsync(
              () -> {
                try (KafkaProducer<byte[], byte[]> producer =
                    SyntheticProducer.producer(KafkaBroker.bootstrapServers())) {
                  return SyntheticProducer.send(
                      producer, EVENTS, events, 0, EVENTS_TOTAL, () -> false, truth);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });

      // Kill it mid-stream, once it has published results and checkpointed what led to them.
      Path before = Checkpoints.latest(checkpoints).orElseThrow();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  !KafkaRecords.readAll(FEED).isEmpty()
                      && !Checkpoints.latest(checkpoints).orElseThrow().equals(before));
      assertThat(producing).isNotDone();
      first.kill();
      Optional<Path> restoredFrom = Checkpoints.latest(checkpoints);

      second = StreamingProcess.start(dir.resolve("second.log"), args);
      StreamingProcess restarted = second;
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> restarted.output().contains("restored from") || !restarted.isAlive());
      assertThat(restarted.output()).contains(restoredFrom.orElseThrow().getFileName().toString());

      assertThat(producing.get()).isEqualTo(EVENTS_TOTAL);
      assertThat(truth.late()).isZero();
      awaitFinalWindowsEqual(truth.byWindow());
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
      if (producing != null) {
        producing.cancel(true);
      }
    }
  }

  /** Waits until the newest update of every window on the feed is final and equals the truth. */
  private static void awaitFinalWindowsEqual(Map<String, Map<Long, Long>> byWindow) {
    Map<String, Long> expected = new TreeMap<>();
    byWindow.forEach((c, windows) -> windows.forEach((s, n) -> expected.put(key(s, c), n)));
    AtomicReference<String> last = new AtomicReference<>("nothing read yet");
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                Map<String, JsonNode> latest = latestPerWindow();
                Map<String, Long> finals = new TreeMap<>();
                latest.forEach(
                    (k, u) -> {
                      if (u.get("final").asBoolean()) {
                        finals.put(k, u.get("events").asLong());
                      }
                    });
                last.set(
                    latest.size() + " windows, " + finals.size() + " final; expected "
                        + expected.size() + "; differing: " + difference(expected, finals));
                return finals.equals(expected) && latest.size() == expected.size();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("final windows never equalled the truth: " + last.get(), e);
    }
  }

  /** Per window, the update with the most events (a final one among equals): what readers keep. */
  private static Map<String, JsonNode> latestPerWindow() throws Exception {
    Map<String, JsonNode> latest = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : KafkaRecords.readAll(FEED)) {
      JsonNode u = JSON.readTree(record.value());
      String k =
          key(Instant.parse(u.get("start").asText()).toEpochMilli(),
              u.get("group").get("category").asText());
      JsonNode before = latest.get(k);
      if (before == null
          || u.get("events").asLong() > before.get("events").asLong()
          || (u.get("events").asLong() == before.get("events").asLong()
              && u.get("final").asBoolean())) {
        latest.put(k, u);
      }
    }
    return latest;
  }

  private static String difference(Map<String, Long> expected, Map<String, Long> actual) {
    Map<String, String> diff = new TreeMap<>();
    expected.forEach(
        (k, v) -> {
          if (!v.equals(actual.get(k))) {
            diff.put(k, v + " != " + actual.get(k));
          }
        });
    actual.keySet().stream().filter(k -> !expected.containsKey(k))
        .forEach(k -> diff.put(k, "unexpected " + actual.get(k)));
    return diff.size() > 10 ? diff.size() + " windows, e.g. " + diff.entrySet().stream().limit(10).toList() : diff.toString();
  }

  private static String key(long start, String category) {
    return start + " " + category;
  }
}
