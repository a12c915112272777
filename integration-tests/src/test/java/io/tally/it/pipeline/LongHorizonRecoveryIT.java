package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import io.tally.it.support.KafkaBroker;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.runners.launch.Checkpoints;
import io.tally.runners.load.SyntheticProducer;
import io.tally.runners.streaming.StreamingMain;
import io.tally.transforms.DeduplicateEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-duplication across a {@code kill -9} with a horizon longer than the 10-minute default: an
 * hourly metric with an hour of lateness makes the job remember identities for 2 hours, so a copy
 * of an event from 15 minutes of event time ago, arriving after the job was killed and restored
 * from its checkpoint, is still recognised and not counted again.
 */
@ExtendWith(KafkaBroker.class)
class LongHorizonRecoveryIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String EVENTS = "long-horizon-it-events-" + RUN;
  private static final String FEED = "long-horizon-it-aggregates-" + RUN;
  private static final String CATEGORY = "long-horizon/it-" + RUN;
  private static final String SOURCE = "it";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String HOURLY =
      """
      metrics:
        - name: hourly_sum_by_category
          groupBy: [category]
          aggregate: { fn: sum }
          window: { size: 1h }
          allowedLateness: 1h
      """;

  @TempDir Path dir;

  @Test
  void aCopyFromLongerAgoThanTheDefaultHorizonIsRecognisedAfterARestore() throws Exception {
    Path metrics = dir.resolve("metrics.yaml");
    Files.writeString(metrics, HOURLY);
    Path checkpoints = dir.resolve("checkpoints");
    List<String> args =
        List.of(
            "--bootstrapServers=" + KafkaBroker.bootstrapServers(),
            "--eventsTopic=" + EVENTS,
            "--changeFeedTopic=" + FEED,
            "--deadLetterTopic=long-horizon-it-dlq-" + RUN,
            "--consumerGroup=long-horizon-it-" + RUN,
            "--rulesTopic=long-horizon-it-rules-" + RUN,
            "--metricsFile=" + metrics,
            "--dedupHorizon=2h",
            "--maxDisorder=1s",
            "--checkpointDir=" + checkpoints,
            "--checkpointingInterval=1000",
            "--restoreFrom=latest");
    KafkaTopics.ensure(StreamingMain.options(args.toArray(String[]::new)), 4, (short) 1);

    // 15 minutes of event time ago: past a 10-minute horizon as soon as it is read, inside its
    // hourly window's hour of lateness whatever the time of day.
    long ts = System.currentTimeMillis() - Duration.ofMinutes(15).toMillis();
    // The new event after the copy shares the copy's de-duplication shard and, by its key, its
    // partition, so the job handles the copy first. Each event's value tells whether a sum holds
    // it: a is 1, b is 2, the new one 100 (and the copy of a, like a, 1). Once a sum holds the new
    // event, it holds the copy too if the copy was counted.
    String after = sameShardAs("a");

    StreamingProcess first = StreamingProcess.start(dir.resolve("first.log"), args);
    StreamingProcess second = null;
    try (KafkaProducer<byte[], byte[]> producer =
        SyntheticProducer.producer(KafkaBroker.bootstrapServers())) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Checkpoints.latest(checkpoints).isPresent() || !first.isAlive());
      assertThat(first.isAlive()).as(first.output()).isTrue();

      send(producer, ts, "a", 1);
      send(producer, ts, "b", 2);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> largestSum() == 3);
      // A checkpoint completed after both were counted holds their identities.
      Path counted = Checkpoints.latest(checkpoints).orElseThrow();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !Checkpoints.latest(checkpoints).orElseThrow().equals(counted));
      first.kill();

      second = StreamingProcess.start(dir.resolve("second.log"), args);
      StreamingProcess restarted = second;
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> restarted.output().contains("restored from") || !restarted.isAlive());
      assertThat(restarted.isAlive()).as(restarted.output()).isTrue();

      send(producer, ts, "a", 1);
      send(producer, ts, after, 100);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> largestSum() >= 100);
      assertThat(largestSum()).as("a, b and the new event; the copy of a not again").isEqualTo(103);
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  /** An id whose identity falls in the same de-duplication shard as {@code id}'s. */
  private static String sameShardAs(String id) {
    int shard = shard(id);
    for (int n = 0; ; n++) {
      String candidate = "c-" + n;
      if (shard(candidate) == shard) {
        return candidate;
      }
    }
  }

  /** As DeduplicateEvents keys an event: by its identity, source and id. */
  private static int shard(String id) {
    return Math.floorMod((SOURCE + '\u0000' + id).hashCode(), DeduplicateEvents.DEFAULT_SHARDS);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, long ts, String id, int value)
      throws Exception {
    String event =
        String.format(
            "{\"id\": \"%s\", \"source\": \"%s\", \"type\": \"movie.view\","
                + " \"category\": \"%s\", \"ts\": %d, \"value\": %d}",
            id, SOURCE, CATEGORY, ts, value);
    producer
        .send(
            new ProducerRecord<>(
                EVENTS,
                CATEGORY.getBytes(StandardCharsets.UTF_8),
                event.getBytes(StandardCharsets.UTF_8)))
        .get(30, TimeUnit.SECONDS);
  }

  /** The largest sum any update of the category's window has shown. */
  private static long largestSum() throws Exception {
    long largest = 0;
    for (ConsumerRecord<byte[], byte[]> record : KafkaRecords.readAll(FEED)) {
      JsonNode update = JSON.readTree(record.value());
      if (CATEGORY.equals(update.path("group").path("category").asText())) {
        largest = Math.max(largest, update.get("value").asLong());
      }
    }
    return largest;
  }
}
