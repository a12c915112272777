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
import io.tally.tiering.hot.SharedHotStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A service whose history tier cannot be reached (nothing listens on its port): queries are
 * answered from the hot tier, say that they are partial and why, and the health check says so.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsResourceHistoryDownTest {
  private static final String STORE = "history-down-test-" + UUID.randomUUID();
  private static final long MINUTE = 60_000;

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config(
              "metricsFile", ResourceHelpers.resourceFilePath("test-metrics.yaml")),
          ConfigOverride.config("hotRetention", "1h"),
          ConfigOverride.config(
              "history.jdbcUrl", "jdbc:clickhouse://127.0.0.1:" + closedPort() + "/default"),
          ConfigOverride.config("history.connectTimeout", "500ms"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A port that nothing listens on: bound, then released. */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void queriesAnswerFromTheHotTierAndSayHistoryIsUnavailable() throws Exception {
    // Two hours ago: before the boundary (an hour ago), so history is asked for it.
    long start = Math.floorDiv(System.currentTimeMillis() - 2 * 3_600_000, MINUTE) * MINUTE;
    SharedHotStores.named(STORE)
        .apply(
            new WindowUpdate(
                "revenue",
                1,
                AggregateFunction.SUM,
                List.of(),
                List.of(),
                start,
                start + MINUTE,
                new MetricValue.Scalar(4.5),
                2,
                Timing.ON_TIME,
                true,
                0,
                null));

    JsonNode answer =
        get(
            "/v1/metrics/revenue/windows?from="
                + (start - MINUTE)
                + "&to="
                + System.currentTimeMillis());

    assertThat(answer.get("windows")).hasSize(1);
    assertThat(answer.get("windows").get(0).get("value").asDouble()).isEqualTo(4.5);
    assertThat(answer.get("partial").asBoolean()).isTrue();
    assertThat(answer.get("boundary").asText()).endsWith("Z");
    JsonNode history = answer.get("tiers").get(1);
    assertThat(history.get("tier").asText()).isEqualTo("history");
    assertThat(history.get("available").asBoolean()).isFalse();
    assertThat(history.get("error").asText())
        .contains("ClickHouse at jdbc:clickhouse://127.0.0.1:");
  }

  @Test
  void recentQueriesDoNotNeedHistory() throws Exception {
    long now = System.currentTimeMillis();
    JsonNode answer = get("/v1/metrics/revenue/windows?from=" + (now - 10 * MINUTE) + "&to=" + now);
    assertThat(answer.get("partial").asBoolean()).isFalse();
    assertThat(answer.get("tiers")).hasSize(1);
  }

  @Test
  void theHealthCheckSaysHistoryIsUnavailable() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getAdminPort() + "/healthcheck"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode history = JSON.readTree(response.body()).get("history");
    assertThat(history.get("healthy").asBoolean()).isFalse();
    assertThat(history.get("message").asText()).startsWith("history tier unavailable");
  }

  private static JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
