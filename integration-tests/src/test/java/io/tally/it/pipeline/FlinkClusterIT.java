package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import io.tally.it.support.FlinkCluster;
import io.tally.it.support.KafkaBroker;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.runners.load.GroundTruth;
import io.tally.runners.streaming.StreamingMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job on a real Flink session cluster ({@code bin/flink}: a JobManager and two
 * TaskManagers, each its own process), submitted from the job jar with the standard options, and
 * moved across a stop-with-savepoint: stopped while events keep arriving, then resumed from the
 * savepoint, its final window counts equal the ground truth exactly — nothing lost, nothing counted
 * twice.
 */
@ExtendWith({KafkaBroker.class, FlinkCluster.class})
class FlinkClusterIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final long WINDOW = 2_000;
  private static final double RATE = 400;
  private static final long EVENTS_AFTER_RESUMING = 2_000; // 5 s at 400/s
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theClusterRunsAJobManagerAndTwoTaskManagersWithItsWebUi() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode overview = JSON.readTree(get(http, "/overview").body());
    assertThat(overview.get("taskmanagers").asInt()).isEqualTo(2);
    assertThat(overview.get("slots-total").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(overview.get("flink-version").asText()).startsWith("1.19");

    HttpResponse<String> ui = get(http, "/");
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).contains("<title>Apache Flink Web Dashboard</title>");
    assertThat(FlinkCluster.flink("status")).contains("running");
  }

  @Test
  void aJobStoppedWithASavepointAndResumedFromItLosesNothingAndCountsNothingTwice()
      throws Exception {
    stopWithSavepointAndResume("heap", List.of());
  }

  /**
   * The same with state in RocksDB (incremental checkpoints, de-duplication's entry per identity),
   * which the cluster's TaskManagers carry.
   */
  @Test
  void onRocksDbAJobStoppedWithASavepointAndResumedFromItLosesNothing() throws Exception {
    String job = stopWithSavepointAndResume("rocksdb", List.of("--stateBackend=rocksdb"));
    JsonNode config =
        JSON.readTree(
            get(HttpClient.newHttpClient(), "/jobs/" + job + "/checkpoints/config").body());
    assertThat(config.path("state_backend").asText()).contains("RocksDB");
  }

  /** Runs the scenario with {@code options}; returns the resumed job's id. */
  private String stopWithSavepointAndResume(String name, List<String> options) throws Exception {
    String events = "cluster-it-events-" + name + "-" + RUN;
    String feed = "cluster-it-aggregates-" + name + "-" + RUN;
    Path metrics = dir.resolve("metrics.yaml");
    Files.writeString(metrics, FinalWindows.COUNT_BY_CATEGORY);
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--bootstrapServers=" + KafkaBroker.bootstrapServers(),
            "--eventsTopic=" + events,
            "--changeFeedTopic=" + feed,
            "--deadLetterTopic=cluster-it-dlq-" + name + "-" + RUN,
            "--consumerGroup=cluster-it-" + name + "-" + RUN,
            "--rulesTopic=cluster-it-rules-" + name + "-" + RUN,
            "--metricsFile=" + metrics,
            "--maxDisorder=1s",
            "--parallelism=2",
            "--checkpointingInterval=1000"));
    args.addAll(options);
    KafkaTopics.ensure(StreamingMain.options(args.toArray(String[]::new)), 4, (short) 1);
    List<String> before = FlinkCluster.runningJobs();

    GroundTruth truth = new GroundTruth(WINDOW);
    StreamingProcess first =
        StreamingProcess.submit(dir.resolve(name + "-first.log"), FlinkCluster.PORT, args);
    StreamingProcess second = null;
    LiveEvents live = null;
    try {
      String job = awaitNewJob(before, first);
      // Events flow throughout: while the job stops, while none runs, and after it resumed.
      live = LiveEvents.start(events, RATE, 11, truth);

      // Stopped mid-stream, once it has published results.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !KafkaRecords.readAll(feed).isEmpty());
      String savepoint = FlinkCluster.flink("stop-with-savepoint", job).strip();
      assertThat(first.awaitExit(Duration.ofSeconds(60))).as(first.output()).isZero();
      assertThat(Path.of(savepoint)).isDirectory();

      List<String> resumed = new ArrayList<>(args);
      resumed.add("--restoreFrom=" + savepoint);
      second =
          StreamingProcess.submit(dir.resolve(name + "-second.log"), FlinkCluster.PORT, resumed);
      String resumedJob = awaitNewJob(before, second);
      assertThat(second.output())
          .contains("restored from")
          .contains(Path.of(savepoint).getFileName().toString());

      assertThat(live.finishAfter(EVENTS_AFTER_RESUMING)).isGreaterThan(EVENTS_AFTER_RESUMING);
      assertThat(truth.late()).isZero();
      FinalWindows.awaitEqual(feed, truth.byWindow());
      return resumedJob;
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

  /** The id of the job that {@code client} submitted, once all its tasks run (it checkpointed). */
  private static String awaitNewJob(List<String> before, StreamingProcess client) {
    HttpClient http = HttpClient.newHttpClient();
    List<String> jobs = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!client.isAlive()) {
                throw new AssertionError("the client ended: " + client.output());
              }
              jobs.clear();
              jobs.addAll(FlinkCluster.runningJobs());
              jobs.removeAll(before);
              return jobs.size() == 1
                  && JSON.readTree(get(http, "/jobs/" + jobs.get(0) + "/checkpoints").body())
                          .path("counts")
                          .path("completed")
                          .asInt()
                      > 0;
            });
    return jobs.get(0);
  }

  private static HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(FlinkCluster.restUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
