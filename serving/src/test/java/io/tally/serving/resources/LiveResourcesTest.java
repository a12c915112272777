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
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
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
      while (!(line = lines.readLine()).startsWith(":")) {
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
                    request("/v1/subscriptions/" + id).DELETE().build(),
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

  private static JsonNode nextWindow(BufferedReader lines) throws Exception {
    String line;
    String event = null;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && "window".equals(event)) {
        return JSON.readTree(line.substring(6));
      }
    }
    throw new AssertionError("the stream ended");
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
    return HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        request("/v1/subscriptions")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
