package io.tally.serving.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live endpoints and the dashboard on the real service without Kafka (the one-process mode: the
 * hot store is written in-process). The delivery guarantees are tested end to end, over Kafka, in
 * the integration tests.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LiveResourcesTest {
  private static final String STORE = "live-resources-test-" + UUID.randomUUID();
  private static final long MINUTE = 60_000;
  private static final long T0 = System.currentTimeMillis() / MINUTE * MINUTE;

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config(
              "metricsFile", ResourceHelpers.resourceFilePath("test-metrics.yaml")),
          ConfigOverride.config("subscriptions.heartbeat", "1s"),
          ConfigOverride.config(
              "subscriptions.savedQueriesFile", "target/" + STORE + "/saved-queries.json"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  // Generous: the heartbeat is 1 s, and a busy machine may be slow; only a hang waits this long.
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InMemoryHotStore HOT = SharedHotStores.named(STORE);

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void aStreamSendsTheSnapshotThenUpdatesOfItsGroupsThenHeartbeats() throws Exception {
    HOT.apply(count("US", 3));
    HOT.apply(count("CA", 5));
    HttpResponse<InputStream> response =
        HTTP.send(
            request("/v1/metrics/views_by_geo_type/stream?geo=US").build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    try (Lines lines = new Lines(response.body())) {
      List<JsonNode> windows = new ArrayList<>();
      windows.add(nextWindow(lines));
      HOT.apply(count("CA", 6)); // another group: not sent
      HOT.apply(count("US", 4));
      windows.add(nextWindow(lines));
      assertThat(windows).extracting(w -> w.get("events").asLong()).containsExactly(3L, 4L);
      assertThat(windows.get(1).get("metric").asText()).isEqualTo("views_by_geo_type");
      assertThat(windows.get(1).get("group").get("geo").asText()).isEqualTo("US");
      // Nothing changes for a while: comment lines keep the connection alive.
      String line;
      while (!(line = lines.next()).startsWith(":")) {
        assertThat(line).doesNotStartWith("data:");
      }
    }
  }

  @Test
  void savedQueriesAreCheckedStoredAndRemoved() throws Exception {
    HttpResponse<String> created =
        post("{\"metric\": \"views_by_geo_type\", \"where\": {\"geo\": \"US\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = JSON.readTree(created.body()).get("id").asText();
    assertThat(created.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/v1/subscriptions/" + id));
    assertThat(get("/v1/subscriptions/" + id).body()).contains("\"geo\":\"US\"");

    HttpResponse<InputStream> stream =
        HTTP.send(
            request("/v1/subscriptions/" + id + "/stream").build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    stream.body().close();

    assertThat(
            HTTP.send(
                    request("/v1/subscriptions/" + id)
                        .header("Authorization", "Bearer " + TestKeys.SUBSCRIBER)
                        .DELETE()
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(204);
    HttpResponse<String> gone = get("/v1/subscriptions/" + id + "/stream");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("urn:tally:problem:unknown-saved-query");
  }

  @Test
  void badLiveQueriesAreProblems() throws Exception {
    assertThat(post("{\"metric\": \"nope\"}").statusCode()).isEqualTo(404);
    assertThat(post("{\"where\": {}}").body()).contains("'metric' is required");
    HttpResponse<String> badDimension =
        post("{\"metric\": \"views_by_geo_type\", \"where\": {\"city\": \"x\"}}");
    assertThat(badDimension.statusCode()).isEqualTo(400);
    assertThat(badDimension.body()).contains("'city' is not a dimension");
    HttpResponse<String> badStream = get("/v1/metrics/views_by_geo_type/stream?city=x");
    assertThat(badStream.statusCode()).isEqualTo(400);
    assertThat(badStream.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(get("/v1/metrics/nope/stream").statusCode()).isEqualTo(404);
  }

  @Test
  void theDashboardIsServedBesideTheApi() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("<script type=\"module\" src=\"ui/app.js\">");
    for (String asset : List.of("/ui/app.js", "/ui/chart.js", "/ui/style.css")) {
      assertThat(get(asset).statusCode()).as(asset).isEqualTo(200);
    }
    assertThat(get("/ui/app.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
    assertThat(get("/v1/metrics").body()).startsWith("{\"metrics\":");
  }

  private static JsonNode nextWindow(Lines lines) throws Exception {
    String event = null;
    while (true) {
      String line = lines.next();
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && "window".equals(event)) {
        return JSON.readTree(line.substring(6));
      }
    }
  }

  /**
   * The lines of a stream, each awaited for at most {@link #TIMEOUT}: a stream that goes quiet
   * fails the test with a reason instead of blocking it (a blocking read has no timeout of its
   * own). The stream is closed on a timeout, which ends the read that is still waiting.
   */
  private static final class Lines implements AutoCloseable {
    private final InputStream body;
    private final BufferedReader reader;
    private final ExecutorService reading = Executors.newSingleThreadExecutor();

    Lines(InputStream body) {
      this.body = body;
      this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next line; fails when the stream ends or sends none within the timeout. */
    String next() throws Exception {
      Future<String> line = reading.submit(reader::readLine);
      String next;
      try {
        next = line.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        close();
        throw new AssertionError("the stream sent no line within " + TIMEOUT);
      }
      if (next == null) {
        throw new AssertionError("the stream ended");
      }
      return next;
    }

    @Override
    public void close() throws IOException {
      reading.shutdownNow();
      body.close();
    }
  }

  private static WindowUpdate count(String geo, long events) {
    return new WindowUpdate(
        "views_by_geo_type",
        1,
        AggregateFunction.COUNT,
        List.of("geo", "type"),
        List.of(geo, "movie.view"),
        T0,
        T0 + MINUTE,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  private static HttpRequest.Builder request(String path) {
    // The timeout bounds the wait for an answer's headers; a stream's lines are bounded by Lines.
    return HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path))
        .timeout(TIMEOUT);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        request("/v1/subscriptions")
            .header("Authorization", "Bearer " + TestKeys.SUBSCRIBER)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
