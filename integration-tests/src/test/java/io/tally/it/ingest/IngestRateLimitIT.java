package io.tally.it.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.pipeline.PipelineRun;
import io.tally.it.support.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest at twice the sustainable rate, then count. The node's ingest limit is set to {@link #RATE}
 * events/s (the rate this deployment is declared to sustain); an open-loop client offers twice that
 * for {@link #LOAD} over several connections, whatever the answers. Every request is answered
 * within the client's timeout, the excess is refused with 429 and {@code Retry-After}, and the node
 * admits about the rate times the duration plus the burst. Then the streaming pipeline reads the
 * log: the served counts equal the accepted events exactly, each counted once, the refused ones not
 * at all.
 */
@ExtendWith(KafkaBroker.class)
class IngestRateLimitIT {
  private static final int RATE = 400;
  private static final int BURST = 400;
  private static final Duration LOAD = Duration.ofSeconds(15);
  private static final int EVENTS_PER_REQUEST = 20;
  private static final int CONNECTIONS = 4;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final long WINDOW = 2_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PipelineRun run;

  @BeforeAll
  static void startService() throws Exception {
    run =
        PipelineRun.create(
            "rate-it",
            dir,
            """
            metrics:
              - name: count_by_category
                groupBy: [category]
                aggregate: { fn: count }
                window: { size: 2s }
                allowedLateness: 10s
            """);
    run.createTopics(4);
    run.startService(
        config -> {
          config.getIngest().setRateLimit(true);
          config.getIngest().setEventsPerSecond(RATE);
          config.getIngest().setBurst(BURST);
        });
  }

  @AfterAll
  static void stop() throws Exception {
    if (run != null) {
      run.close();
    }
  }

  @Test
  void atTwiceTheLimitTheExcessIs429AndEveryAcceptedEventIsCountedOnce() throws Exception {
    List<HttpClient> connections = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      connections.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }
    long periodNanos = TimeUnit.SECONDS.toNanos(EVENTS_PER_REQUEST) / (2L * RATE);
    int requests = (int) (LOAD.toNanos() / periodNanos);
    List<ScheduledFuture<Sent>> scheduled = new ArrayList<>(requests);
    List<Sent> sent = new ArrayList<>(requests);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    long started = System.nanoTime();
    try {
      // Open loop: a request every period whether or not the earlier ones were answered.
      for (int r = 0; r < requests; r++) {
        int n = r;
        long delay = started + n * periodNanos - System.nanoTime();
        scheduled.add(
            clock.schedule(
                () -> send(connections.get(n % CONNECTIONS), n), delay, TimeUnit.NANOSECONDS));
      }
      for (ScheduledFuture<Sent> request : scheduled) {
        sent.add(request.get(LOAD.toSeconds() + 30, TimeUnit.SECONDS));
      }
    } finally {
      clock.shutdown();
    }
    // Every request answered within the client's timeout: a timeout fails the join.
    List<Sent> accepted = new ArrayList<>();
    int refused = 0;
    for (Sent request : sent) {
      HttpResponse<String> answer = request.answer().join();
      if (answer.statusCode() == 202) {
        assertThat(JSON.readTree(answer.body()).get("accepted").asInt())
            .isEqualTo(EVENTS_PER_REQUEST);
        accepted.add(request);
      } else {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After"))
            .hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
        assertThat(JSON.readTree(answer.body()).get("type").asText())
            .isEqualTo("urn:tally:problem:ingest-rate-limited");
        refused++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long acceptedEvents = (long) accepted.size() * EVENTS_PER_REQUEST;
    System.out.printf(
        "ingest limit %d events/s (burst %d): offered %d events in %d requests over %.1f s (%.0f events/s),"
            + " accepted %d, refused %d requests with 429%n",
        RATE,
        BURST,
        (long) requests * EVENTS_PER_REQUEST,
        requests,
        seconds,
        requests * EVENTS_PER_REQUEST / seconds,
        acceptedEvents,
        refused);
    assertThat(refused).as("the excess is refused").isPositive();
    // The bucket's bound, whatever the timing: at most the burst plus the rate over the run.
    assertThat(acceptedEvents)
        .isLessThanOrEqualTo((long) (BURST + RATE * seconds) + EVENTS_PER_REQUEST);
    // And the limit is reached, not far undershot (generous: the machine may be busy).
    assertThat(acceptedEvents).isGreaterThanOrEqualTo(RATE * LOAD.toSeconds() / 2);

    run.startPipeline(false);
    awaitCountsEqual(accepted);
  }

  /** One request of fresh events, timed now; the answer arrives on its own. */
  private static Sent send(HttpClient connection, int n) {
    long ts = System.currentTimeMillis();
    StringBuilder body = new StringBuilder();
    List<String> categories = new ArrayList<>();
    for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
      String category = "load/" + (i % 5);
      categories.add(category);
      body.append("{\"id\":\"")
          .append(n)
          .append('-')
          .append(i)
          .append("\",\"source\":\"rate-it\",\"type\":\"it.load\",\"category\":\"")
          .append(category)
          .append("\",\"ts\":")
          .append(ts)
          .append("}\n");
    }
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + run.service().port() + "/v1/events"))
            .timeout(CLIENT_TIMEOUT)
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", TallyTestConfigs.AUTHORIZATION)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    return new Sent(
        ts, categories, connection.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
  }

  private record Sent(
      long ts, List<String> categories, CompletableFuture<HttpResponse<String>> answer) {}

  /** Every window of every category final, and holding exactly the accepted events. */
  private static void awaitCountsEqual(List<Sent> accepted) {
    Map<String, Long> expected = new TreeMap<>();
    long first = Long.MAX_VALUE;
    for (Sent request : accepted) {
      long start = Math.floorDiv(request.ts(), WINDOW) * WINDOW;
      first = Math.min(first, start);
      for (String category : request.categories()) {
        expected.merge(ServedCounts.key(start, category), 1L, Long::sum);
      }
    }
    ServedCounts.awaitFinalCountsEqual(
        run.service().port(),
        "count_by_category",
        first - WINDOW,
        System.currentTimeMillis() + 600_000,
        expected);
  }
}
