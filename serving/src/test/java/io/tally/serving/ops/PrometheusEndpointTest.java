package io.tally.serving.ops;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real service's {@code /prometheus} on the admin port: the service's own metrics are there
 * under their Prometheus names, and they move with the requests that they count. A query rate limit
 * of 3 at once (one more every 100 s) makes 429s easy to cause.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PrometheusEndpointTest {
  private static final String STORE = "prometheus-endpoint-test-" + UUID.randomUUID();

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config("queryLimits.rateLimit", "true"),
          ConfigOverride.config("queryLimits.requestsPerSecond", "0.01"),
          ConfigOverride.config("queryLimits.burst", "3"));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Query latency: the timer of {@code GET /v1/metrics/{name}/windows}, as a summary. */
  private static final String QUERIES = "io_tally_serving_resources_MetricsResource_windows_count";

  private static final String TOO_MANY_REQUESTS = "io_tally_http_tooManyRequests_total";
  private static final String HOT_WINDOWS = "io_tally_hotStore_windows";

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void servesTheServicesOwnMetricsInTheTextFormat() throws Exception {
    HttpResponse<String> scrape = scrape();
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain")
        .contains("version=0.0.4");
    assertThat(scrape.body())
        .contains(
            "# TYPE io_tally_ingest_accepted_total counter",
            "# TYPE io_tally_ingest_refused_invalid_total counter",
            "# TYPE io_tally_ingest_refused_rateLimited_total counter",
            "# TYPE io_tally_ingest_deadLetters_total counter",
            "# TYPE " + TOO_MANY_REQUESTS + " counter",
            "# TYPE " + HOT_WINDOWS + " gauge",
            "# TYPE io_tally_live_connections gauge",
            "# TYPE io_tally_serving_resources_MetricsResource_windows summary",
            "# TYPE io_tally_serving_resources_EventsResource_post summary",
            // Dropwizard's own, of the HTTP server.
            "io_dropwizard_jetty_MutableServletContextHandler_requests_count");
  }

  @Test
  void valuesMoveWithTheRequestsTheyCount() throws Exception {
    double queries = value(scrape().body(), QUERIES);
    double tooMany = value(scrape().body(), TOO_MANY_REQUESTS);
    double windows = value(scrape().body(), HOT_WINDOWS);

    long start = Instant.parse("2026-11-27T21:00:00Z").toEpochMilli();
    SharedHotStores.named(STORE).apply(window(start));
    assertThat(
            get("/v1/metrics/events_by_category/windows?from=" + start + "&to=" + (start + 60_000)))
        .isEqualTo(200);
    // The burst is 3 and nothing refills in this test: the fourth query from here is a 429.
    int statuses = 0;
    for (int i = 0; i < 3; i++) {
      statuses += get("/v1/metrics") == 429 ? 1 : 0;
    }
    assertThat(statuses).isPositive();

    String after = scrape().body();
    assertThat(value(after, QUERIES)).isEqualTo(queries + 1);
    assertThat(value(after, TOO_MANY_REQUESTS)).isEqualTo(tooMany + statuses);
    assertThat(value(after, HOT_WINDOWS)).isEqualTo(windows + 1);
  }

  /** The value of an unlabelled sample. */
  private static double value(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(exposition);
    OptionalDouble value =
        m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    assertThat(value).as(name + " in\n" + exposition).isPresent();
    return value.getAsDouble();
  }

  private static WindowUpdate window(long start) {
    return new WindowUpdate(
        "events_by_category",
        1,
        AggregateFunction.COUNT,
        List.of("category"),
        List.of("sports/nba"),
        start,
        start + 60_000,
        new MetricValue.Scalar(3),
        3,
        Timing.EARLY,
        false,
        0,
        null);
  }

  private static HttpResponse<String> scrape() throws Exception {
    return send(APP.getAdminPort(), "/prometheus");
  }

  private static int get(String path) throws Exception {
    return send(APP.getLocalPort(), path).statusCode();
  }

  private static HttpResponse<String> send(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
