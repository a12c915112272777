package io.tally.it.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.pipeline.PipelineRun;
import io.tally.it.support.KafkaBroker;
import io.tally.model.metric.MetricVersion;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.TallyServer;
import io.tally.tiering.hot.SharedHotStores;
import io.tally.tiering.hot.WindowQuery;
import io.tally.tiering.rules.SharedRuleLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics created, changed and deleted through the API while events flow, on the real broker and
 * the embedded Flink runner: the running pipeline follows the rule log without a restart.
 */
@ExtendWith(KafkaBroker.class)
class RuntimeRulesIT {
  private static final String METRIC = "live_count";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PipelineRun run;
  private static TallyServer server;
  private static ScheduledExecutorService poster;
  private static final AtomicLong posted = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    run =
        PipelineRun.create(
            "rules-it",
            dir,
            "metrics:\n  - {name: baseline, aggregate: {fn: count}, window: {size: 1s}}\n");
    run.createTopics(2);
    run.startPipeline(true);
    server = run.startService();

    // Live events: 20 every 100 ms, stamped with the clock, two types and two categories.
    poster = Executors.newSingleThreadScheduledExecutor();
    poster.scheduleAtFixedRate(RuntimeRulesIT::postBatch, 0, 100, TimeUnit.MILLISECONDS);
    await().atMost(Duration.ofSeconds(60)).until(() -> !windows("baseline").isEmpty());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (poster != null) {
        poster.shutdownNow();
      }
    } finally {
      if (run != null) {
        run.close();
      }
    }
  }

  @Test
  void createChangeAndDeleteAMetricWhileEventsFlow() throws Exception {
    // Created: first results within 5 s, counted only from the activation on.
    HttpResponse<String> created =
        put(
            "{\"groupBy\": [\"category\"], \"aggregate\": {\"fn\": \"count\"},"
                + " \"window\": {\"size\": \"1s\"}}",
            "If-None-Match",
            "*");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    long v1From =
        Instant.parse(JSON.readTree(created.body()).get("activeFrom").asText()).toEpochMilli();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> windows(METRIC).stream().anyMatch(w -> w.get("events").asLong() > 0));
    assertThat(windows(METRIC))
        .allSatisfy(w -> assertThat(start(w)).isGreaterThanOrEqualTo(v1From - v1From % 1000))
        .allSatisfy(w -> assertThat(w.get("version").asLong()).isEqualTo(1));

    // Changed (window and filter): version 2 within 5 s, version 1's windows finish and stay.
    HttpResponse<String> changed =
        put(
            "{\"filter\": {\"type\": [\"movie.view\"]}, \"groupBy\": [\"category\"],"
                + " \"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"2s\"}}",
            "If-Match",
            "\"1\"");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(changed.headers().firstValue("ETag")).hasValue("\"2\"");
    long v2From =
        Instant.parse(JSON.readTree(changed.body()).get("activeFrom").asText()).toEpochMilli();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> windows(METRIC).stream().anyMatch(w -> w.get("version").asLong() == 2));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                windows(METRIC).stream()
                    .filter(w -> w.get("version").asLong() == 1)
                    .allMatch(w -> w.get("final").asBoolean()));
    List<JsonNode> both = windows(METRIC);
    assertThat(both)
        .filteredOn(w -> w.get("version").asLong() == 1)
        .isNotEmpty()
        .allSatisfy(w -> assertThat(start(w)).isLessThan(v2From));
    assertThat(both)
        .filteredOn(w -> w.get("version").asLong() == 2)
        .allSatisfy(w -> assertThat(end(w) - start(w)).isEqualTo(2_000))
        .allSatisfy(w -> assertThat(end(w)).isGreaterThan(v2From));

    // Deleted: the definition goes at once; the pipeline stops counting from the deletion's
    // activation, closes the open windows and releases their state (their final updates).
    HttpResponse<String> deleted =
        HTTP.send(
            request("/v1/metrics/" + METRIC).header("If-Match", "\"2\"").DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(get("/v1/metrics/" + METRIC).statusCode()).isEqualTo(404);
    List<MetricVersion> history =
        SharedRuleLogs.kafka(
                Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()), run.rulesTopic())
            .catalog()
            .history(METRIC);
    assertThat(history).extracting(MetricVersion::version).containsExactly(1L, 2L, 3L);
    long deletedFrom = history.get(2).activeFromMillis();
    long postedAtDeletion = posted.get();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                posted.get() > postedAtDeletion + 100
                    && System.currentTimeMillis() > deletedFrom + 5_000
                    && stored(METRIC).stream().allMatch(WindowUpdate::isFinal));
    assertThat(stored(METRIC))
        .filteredOn(w -> w.version() == 2)
        .isNotEmpty()
        .allSatisfy(w -> assertThat(w.startMillis()).isLessThan(deletedFrom));
    assertThat(stored(METRIC)).noneMatch(w -> w.version() > 2);
  }

  private static void postBatch() {
    try {
      StringBuilder body = new StringBuilder();
      long now = System.currentTimeMillis();
      for (int i = 0; i < 20; i++) {
        long n = posted.incrementAndGet();
        body.append("{\"id\":\"")
            .append(run.id())
            .append('-')
            .append(n)
            .append("\",\"source\":\"rules-it\",\"type\":\"")
            .append(n % 2 == 0 ? "movie.view" : "movie.play")
            .append("\",\"category\":\"")
            .append(n % 3 == 0 ? "sports/nba" : "movies/action")
            .append("\",\"ts\":")
            .append(now)
            .append("}\n");
      }
      HTTP.send(
          request("/v1/events")
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      // The next batch tries again; the assertions see what arrived.
    }
  }

  /** The windows the API answers for {@code metric} over the last ten minutes. */
  private static List<JsonNode> windows(String metric) throws Exception {
    long now = System.currentTimeMillis();
    HttpResponse<String> response =
        get("/v1/metrics/" + metric + "/windows?from=" + (now - 600_000) + "&to=" + (now + 60_000));
    List<JsonNode> out = new ArrayList<>();
    if (response.statusCode() == 200) {
      JSON.readTree(response.body()).get("windows").forEach(out::add);
    }
    return out;
  }

  /** What the service's hot store holds of {@code metric}, whether or not it is still defined. */
  private static List<WindowUpdate> stored(String metric) {
    return new ArrayList<>(
        SharedHotStores.named(run.store())
            .windows(new WindowQuery(metric, Long.MIN_VALUE, Long.MAX_VALUE, Map.of())));
  }

  private static long start(JsonNode window) {
    return Instant.parse(window.get("start").asText()).toEpochMilli();
  }

  private static long end(JsonNode window) {
    return Instant.parse(window.get("end").asText()).toEpochMilli();
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
        .header("Authorization", TallyTestConfigs.AUTHORIZATION);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> put(String body, String condition, String value)
      throws Exception {
    return HTTP.send(
        request("/v1/metrics/" + METRIC)
            .header("Content-Type", "application/json")
            .header(condition, value)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
