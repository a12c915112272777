package io.tally.serving.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.aggregate.MetricValue.RankedItem;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsResourceTest {
  private static final String STORE = "metrics-resource-test-" + UUID.randomUUID();
  private static final long MINUTE = 60_000;
  private static final long T0 = Instant.parse("2026-11-27T21:00:00Z").toEpochMilli();
  private static final String FROM = "2026-11-27T21:00:00Z";
  private static final String TO = "2026-11-27T21:02:00Z";

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          // The fixture's windows are of 2026-11-27: within what the hot tier keeps, so that
          // answers about them are complete.
          ConfigOverride.config("hotRetention", "3650 days"),
          ConfigOverride.config(
              "metricsFile", ResourceHelpers.resourceFilePath("test-metrics.yaml")));

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InMemoryHotStore HOT = SharedHotStores.named(STORE);

  @BeforeAll
  static void fillHotStore() {
    List<String> geoType = List.of("geo", "type");
    // Before the range, in it (two minutes, several groups), at its exclusive end.
    HOT.apply(count("views_by_geo_type", geoType, List.of("US", "movie.view"), T0 - MINUTE, 1));
    HOT.apply(count("views_by_geo_type", geoType, List.of("US", "movie.view"), T0, 42));
    HOT.apply(count("views_by_geo_type", geoType, List.of("CA", "movie.view"), T0, 7));
    HOT.apply(count("views_by_geo_type", geoType, List.of("US", "ticket.drop"), T0, 3));
    HOT.apply(count("views_by_geo_type", geoType, List.of("US", "movie.view"), T0 + MINUTE, 10));
    HOT.apply(count("views_by_geo_type", geoType, List.of("US", "movie.view"), T0 + 2 * MINUTE, 5));

    HOT.apply(
        update(
            "top_movies_by_geo",
            1,
            AggregateFunction.TOPK,
            List.of("geo"),
            List.of("US"),
            T0,
            T0 + 5 * MINUTE,
            new MetricValue.Ranking(
                List.of(new RankedItem("movie-42", 1210), new RankedItem("movie-7", 990))),
            5120,
            false));
    HOT.apply(
        update(
            "top_movies_by_geo",
            1,
            AggregateFunction.TOPK,
            List.of("geo"),
            List.of("CA"),
            T0,
            T0 + 5 * MINUTE,
            new MetricValue.Ranking(List.of(new RankedItem("movie-1", 3))),
            3,
            true));

    HOT.apply(
        update(
            "revenue",
            1,
            AggregateFunction.SUM,
            List.of(),
            List.of(),
            T0,
            T0 + MINUTE,
            new MetricValue.Scalar(12.5),
            3,
            false));

    // Two versions of one metric over the same window and group.
    HOT.apply(
        update(
            "distinct_users_by_geo",
            2,
            AggregateFunction.DISTINCT,
            List.of("geo"),
            List.of("US"),
            T0,
            T0 + MINUTE,
            new MetricValue.Scalar(120.0),
            160,
            false));
    HOT.apply(
        update(
            "distinct_users_by_geo",
            1,
            AggregateFunction.DISTINCT,
            List.of("geo"),
            List.of("US"),
            T0,
            T0 + MINUTE,
            new MetricValue.Scalar(100.0),
            150,
            true));
  }

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void listsDefinitions() throws Exception {
    Reply reply = get("/v1/metrics");
    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.contentType).startsWith("application/json");
    List<String> names = new ArrayList<>();
    reply.json.get("metrics").forEach(m -> names.add(m.get("name").asText()));
    assertThat(names)
        .containsExactly(
            "views_by_geo_type", "top_movies_by_geo", "revenue", "distinct_users_by_geo");
    JsonNode top = reply.json.get("metrics").get(1);
    assertThat(top.get("aggregate").get("fn").asText()).isEqualTo("topk");
    assertThat(top.get("aggregate").get("k").asInt()).isEqualTo(3);
    assertThat(top.get("window").get("slide").asText()).isEqualTo("1m");
  }

  @Test
  void getsOneDefinition() throws Exception {
    Reply reply = get("/v1/metrics/distinct_users_by_geo");
    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.json.get("name").asText()).isEqualTo("distinct_users_by_geo");
    assertThat(reply.json.get("version").asLong()).isEqualTo(2);
    assertThat(reply.json.get("groupBy").get(0).asText()).isEqualTo("geo");
    assertThat(reply.json.get("aggregate").get("field").asText()).isEqualTo("user");
  }

  @Test
  void unknownMetricIs404Problem() throws Exception {
    Reply reply = get("/v1/metrics/nope");
    assertProblem(reply, 404);
    assertThat(reply.json.get("detail").asText()).contains("nope");

    assertProblem(get("/v1/metrics/nope/windows?from=" + FROM + "&to=" + TO), 404);
  }

  @Test
  void countWindowsInRangeWithIntegerValues() throws Exception {
    Reply reply = get("/v1/metrics/views_by_geo_type/windows?from=" + FROM + "&to=" + TO);
    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.json.get("metric").asText()).isEqualTo("views_by_geo_type");
    assertThat(reply.json.get("fn").asText()).isEqualTo("count");
    JsonNode windows = reply.json.get("windows");
    // [from, to): not the window a minute before, not the one starting at 'to'; sorted by start
    // then group values.
    assertThat(windows).hasSize(4);
    assertThat(summaries(windows))
        .containsExactly(
            "2026-11-27T21:00:00Z CA/movie.view 7",
            "2026-11-27T21:00:00Z US/movie.view 42",
            "2026-11-27T21:00:00Z US/ticket.drop 3",
            "2026-11-27T21:01:00Z US/movie.view 10");
    JsonNode first = windows.get(0);
    assertThat(first.get("end").asText()).isEqualTo("2026-11-27T21:01:00Z");
    assertThat(first.get("group").get("geo").asText()).isEqualTo("CA");
    assertThat(first.get("group").get("type").asText()).isEqualTo("movie.view");
    assertThat(first.get("value").isIntegralNumber()).isTrue();
    assertThat(first.get("events").isIntegralNumber()).isTrue();
    assertThat(first.get("final").asBoolean()).isFalse();
    assertThat(first.get("version").asLong()).isEqualTo(1);
    assertThat(reply.body).contains("\"value\":7,").doesNotContain("7.0");
    List<String> fields = new ArrayList<>();
    first.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("start", "end", "group", "value", "events", "final", "version");
  }

  @Test
  void topkWindowsAreRankings() throws Exception {
    Reply reply = get("/v1/metrics/top_movies_by_geo/windows?from=" + FROM + "&to=" + TO);
    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.json.get("fn").asText()).isEqualTo("topk");
    JsonNode windows = reply.json.get("windows");
    assertThat(windows).hasSize(2);
    JsonNode ca = windows.get(0);
    assertThat(ca.get("group").get("geo").asText()).isEqualTo("CA");
    assertThat(ca.get("final").asBoolean()).isTrue();
    JsonNode us = windows.get(1);
    assertThat(us.get("start").asText()).isEqualTo("2026-11-27T21:00:00Z");
    assertThat(us.get("end").asText()).isEqualTo("2026-11-27T21:05:00Z");
    assertThat(us.get("events").asLong()).isEqualTo(5120);
    assertThat(us.get("value").toString())
        .isEqualTo("[{\"key\":\"movie-42\",\"count\":1210},{\"key\":\"movie-7\",\"count\":990}]");
  }

  @Test
  void sumIsANumberAndUngroupedMetricsHaveAnEmptyGroup() throws Exception {
    Reply reply = get("/v1/metrics/revenue/windows?from=" + FROM + "&to=" + TO);
    JsonNode window = reply.json.get("windows").get(0);
    assertThat(window.get("value").isNumber()).isTrue();
    assertThat(window.get("value").asDouble()).isEqualTo(12.5);
    assertThat(window.get("group").isObject()).isTrue();
    assertThat(window.get("group").size()).isZero();
  }

  @Test
  void everyVersionInTheHotStoreIsReturned() throws Exception {
    Reply reply = get("/v1/metrics/distinct_users_by_geo/windows?from=" + FROM + "&to=" + TO);
    JsonNode windows = reply.json.get("windows");
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0).get("version").asLong()).isEqualTo(1);
    assertThat(windows.get(0).get("value").isIntegralNumber()).isTrue();
    assertThat(windows.get(0).get("value").asLong()).isEqualTo(100);
    assertThat(windows.get(1).get("version").asLong()).isEqualTo(2);
    assertThat(windows.get(1).get("value").asLong()).isEqualTo(120);
    // Open distinct counts of two versions cannot be added: listed apart, and the answer says so.
    assertThat(reply.json.get("partial").asBoolean()).isTrue();
    assertThat(reply.json.get("leftOut").get(0).asText()).contains("versions [1, 2]");
  }

  @Test
  void countsOfTwoVersionsOfOneWindowAreOneWindow() throws Exception {
    // Half an hour after the other tests' range, which it must not change.
    long start = T0 + 30 * MINUTE;
    HOT.apply(
        count("views_by_geo_type", List.of("geo", "type"), List.of("FR", "movie.view"), start, 4));
    HOT.apply(
        update(
            "views_by_geo_type",
            2,
            AggregateFunction.COUNT,
            List.of("geo", "type"),
            List.of("FR", "movie.view"),
            start,
            start + MINUTE,
            new MetricValue.Scalar(3),
            3,
            false));
    String query =
        "/v1/metrics/views_by_geo_type/windows?from="
            + start
            + "&to="
            + (start + MINUTE)
            + "&geo=FR";

    JsonNode windows = get(query).json.get("windows");
    assertThat(windows).hasSize(1);
    assertThat(windows.get(0).get("value").asLong()).isEqualTo(7);
    assertThat(windows.get(0).get("events").asLong()).isEqualTo(7);
    assertThat(windows.get(0).get("version").asLong()).isEqualTo(2);
    assertThat(windows.get(0).get("versions").toString()).isEqualTo("[1,2]");

    JsonNode first = get(query + "&version=1").json.get("windows");
    assertThat(first).hasSize(1);
    assertThat(first.get(0).get("value").asLong()).isEqualTo(4);
    assertThat(first.get(0).has("versions")).isFalse();
    assertProblem(get(query + "&version=0"), 400);
  }

  @Test
  void groupFilters() throws Exception {
    String base = "/v1/metrics/views_by_geo_type/windows?from=" + FROM + "&to=" + TO;
    assertThat(summaries(get(base + "&geo=US").json.get("windows")))
        .containsExactly(
            "2026-11-27T21:00:00Z US/movie.view 42",
            "2026-11-27T21:00:00Z US/ticket.drop 3",
            "2026-11-27T21:01:00Z US/movie.view 10");
    assertThat(summaries(get(base + "&geo=US&type=ticket.drop").json.get("windows")))
        .containsExactly("2026-11-27T21:00:00Z US/ticket.drop 3");
    assertThat(get(base + "&geo=FR").json.get("windows")).isEmpty();
  }

  @Test
  void epochMillisAndOffsetsSelectTheSameWindows() throws Exception {
    String expected =
        summaries(
                get("/v1/metrics/views_by_geo_type/windows?from=" + FROM + "&to=" + TO)
                    .json
                    .get("windows"))
            .toString();
    String millis = "/v1/metrics/views_by_geo_type/windows?from=" + T0 + "&to=" + (T0 + 2 * MINUTE);
    assertThat(summaries(get(millis).json.get("windows")).toString()).isEqualTo(expected);
    String offset =
        "/v1/metrics/views_by_geo_type/windows?from=2026-11-27T22:00:00%2B01:00"
            + "&to=2026-11-27T16:02:00-05:00";
    assertThat(summaries(get(offset).json.get("windows")).toString()).isEqualTo(expected);
    // An empty range is valid and empty.
    assertThat(
            get("/v1/metrics/views_by_geo_type/windows?from=" + T0 + "&to=" + T0)
                .json
                .get("windows"))
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "to=2026-11-27T21:02:00Z|from",
        "from=2026-11-27T21:00:00Z|to",
        "from=yesterday&to=2026-11-27T21:02:00Z|from",
        "from=2026-11-27T21:00:00&to=2026-11-27T21:02:00Z|from",
        "from=2026-02-30T21:00:00Z&to=2026-11-27T21:02:00Z|from",
        "from=2026-11-27T21:02:00Z&to=2026-11-27T21:00:00Z|to",
        "from=2026-10-01T00:00:00Z&to=2026-11-27T21:02:00Z|to",
        "from=2026-11-27T21:00:00Z&to=2026-11-27T21:02:00Z&user=u1|user",
        "from=2026-11-27T21:00:00Z&to=2026-11-27T21:02:00Z&geo=US&geo=CA|geo",
        "from=2026-11-27T21:00:00Z&to=2026-11-27T21:02:00Z&resolution=week|resolution",
        "from=2026-11-27T21:00:00Z&to=2026-11-27T21:02:00Z&resolution=Hour|resolution",
      })
  void badParametersAre400Problems(String query, String parameter) throws Exception {
    Reply reply = get("/v1/metrics/views_by_geo_type/windows?" + query);
    assertProblem(reply, 400);
    assertThat(reply.json.get("type").asText()).isEqualTo("urn:tally:problem:invalid-query");
    assertThat(reply.json.get("detail").asText()).startsWith("'" + parameter + "'");
  }

  @Test
  void answersSayTheirResolutionAndWhichTiersAnswered() throws Exception {
    JsonNode answer = get("/v1/metrics/views_by_geo_type/windows?from=" + FROM + "&to=" + TO).json;
    assertThat(answer.get("resolution").asText()).isEqualTo("minute");
    assertThat(answer.get("partial").asBoolean()).isFalse();
    assertThat(answer.has("boundary")).as("no history tier configured").isFalse();
    assertThat(answer.get("tiers")).hasSize(1);
    assertThat(answer.get("tiers").get(0).get("tier").asText()).isEqualTo("memory");
    assertThat(answer.get("tiers").get(0).get("available").asBoolean()).isTrue();
    assertThat(answer.get("tiers").get(0).get("windows").asInt()).isEqualTo(4);
  }

  @Test
  void hourlyWindowsMergeTheMinutesOfEachHour() throws Exception {
    JsonNode answer =
        get("/v1/metrics/views_by_geo_type/windows?from=2026-11-27T20:00:00Z&to=2026-11-27T22:00:00Z"
                + "&resolution=hour")
            .json;
    assertThat(answer.get("resolution").asText()).isEqualTo("hour");
    assertThat(summaries(answer.get("windows")))
        .containsExactly(
            "2026-11-27T20:00:00Z US/movie.view 1",
            "2026-11-27T21:00:00Z CA/movie.view 7",
            "2026-11-27T21:00:00Z US/movie.view 57",
            "2026-11-27T21:00:00Z US/ticket.drop 3");
    JsonNode hour = answer.get("windows").get(2);
    assertThat(hour.get("end").asText()).isEqualTo("2026-11-27T22:00:00Z");
    assertThat(hour.get("events").asLong()).isEqualTo(57);
    assertThat(hour.get("final").asBoolean()).isFalse();
  }

  @Test
  void unknownPathIs404Problem() throws Exception {
    Reply reply = get("/v2/whatever");
    assertProblem(reply, 404);
    assertThat(reply.json.get("type").asText()).isEqualTo("about:blank");
    assertThat(reply.json.get("title").asText()).isEqualTo("Not Found");
    assertThat(reply.json.get("detail").asText()).contains("/v2/whatever");
  }

  @Test
  void wrongMethodIs405ProblemWithAllow() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(uri("/v1/metrics"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Reply reply = Reply.of(response);
    assertProblem(reply, 405);
    assertThat(response.headers().firstValue("Allow"))
        .hasValueSatisfying(v -> assertThat(v).contains("GET"));
  }

  @Test
  void methodsRefusedByJettyAreProblemsToo() throws Exception {
    Reply reply =
        Reply.of(
            HTTP.send(
                HttpRequest.newBuilder(uri("/v1/metrics"))
                    .method("TRACE", HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertProblem(reply, 405);
  }

  @Test
  void malformedRequestsAreProblemsToo() throws Exception {
    try (Socket socket = new Socket("localhost", APP.getLocalPort())) {
      socket
          .getOutputStream()
          .write(
              "GET /v1/metrics/x%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(raw).startsWith("HTTP/1.1 400").contains("application/problem+json");
      JsonNode problem = JSON.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
      assertThat(problem.get("status").asInt()).isEqualTo(400);
    }
  }

  @Test
  void windowsAreMonotonic() throws Exception {
    long start = T0 + 10 * MINUTE;
    List<String> group = List.of("DE", "movie.view");
    String query =
        "/v1/metrics/views_by_geo_type/windows?geo=DE&from=" + start + "&to=" + (start + MINUTE);
    HOT.apply(count("views_by_geo_type", List.of("geo", "type"), group, start, 5));
    assertThat(get(query).json.get("windows").get(0).get("events").asLong()).isEqualTo(5);

    HOT.apply(count("views_by_geo_type", List.of("geo", "type"), group, start, 8));
    JsonNode grown = get(query).json.get("windows").get(0);
    assertThat(grown.get("events").asLong()).isEqualTo(8);
    assertThat(grown.get("value").asLong()).isEqualTo(8);

    // A stale (replayed, reordered) update with fewer events changes nothing.
    HOT.apply(count("views_by_geo_type", List.of("geo", "type"), group, start, 6));
    JsonNode after = get(query).json.get("windows").get(0);
    assertThat(after.get("events").asLong()).isEqualTo(8);
    assertThat(after.get("value").asLong()).isEqualTo(8);
  }

  @Test
  void healthChecksAreHealthy() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getAdminPort() + "/healthcheck"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = JSON.readTree(response.body());
    assertThat(health.get("hot-store").get("healthy").asBoolean()).isTrue();
    assertThat(health.get("metric-catalog").get("healthy").asBoolean()).isTrue();
    assertThat(health.get("metric-catalog").get("message").asText())
        .isEqualTo("4 metric definitions");
  }

  // --- helpers

  private static WindowUpdate count(
      String metric, List<String> groupBy, List<String> group, long start, long events) {
    return update(
        metric,
        1,
        AggregateFunction.COUNT,
        groupBy,
        group,
        start,
        start + MINUTE,
        new MetricValue.Scalar(events),
        events,
        false);
  }

  private static WindowUpdate update(
      String metric,
      long version,
      AggregateFunction fn,
      List<String> groupBy,
      List<String> group,
      long start,
      long end,
      MetricValue value,
      long events,
      boolean isFinal) {
    return new WindowUpdate(
        metric,
        version,
        fn,
        groupBy,
        group,
        start,
        end,
        value,
        events,
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        0,
        null);
  }

  private static List<String> summaries(JsonNode windows) {
    List<String> out = new ArrayList<>();
    for (JsonNode w : windows) {
      List<String> values = new ArrayList<>();
      w.get("group").forEach(v -> values.add(v.asText()));
      out.add(w.get("start").asText() + " " + String.join("/", values) + " " + w.get("value"));
    }
    return out;
  }

  private static void assertProblem(Reply reply, int status) {
    assertThat(reply.status).isEqualTo(status);
    assertThat(reply.contentType).startsWith("application/problem+json");
    assertThat(reply.json.get("status").asInt()).isEqualTo(status);
    assertThat(reply.json.get("type").isTextual()).isTrue();
    assertThat(reply.json.get("title").isTextual()).isTrue();
    assertThat(reply.json.get("detail").isTextual()).isTrue();
  }

  private static URI uri(String path) {
    return URI.create("http://localhost:" + APP.getLocalPort() + path);
  }

  private static Reply get(String path) throws IOException, InterruptedException {
    return Reply.of(
        HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()));
  }

  private record Reply(int status, String contentType, String body, JsonNode json) {
    static Reply of(HttpResponse<String> response) throws IOException {
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          JSON.readTree(response.body()));
    }
  }
}
