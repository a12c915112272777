package io.tally.serving.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.hot.SharedHotStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real service with a rate limit of 5 requests at once and one more every 100 s: the sixth
 * query from this client is a 429 problem with {@code Retry-After}; ingest is not limited here.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class QueryRateLimitTest {
  private static final String STORE = "query-rate-limit-test-" + UUID.randomUUID();

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config("queryLimits.rateLimit", "true"),
          ConfigOverride.config("queryLimits.requestsPerSecond", "0.01"),
          ConfigOverride.config("queryLimits.burst", "5"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void queriesOverTheLimitAre429ProblemsWithRetryAfter() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(get("/v1/metrics").statusCode());
    }
    assertThat(statuses).containsOnly(200);

    HttpResponse<String> limited = get("/v1/metrics/events_by_category/windows?from=0&to=1");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    // One token per 100 s.
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("100");
    JsonNode problem = JSON.readTree(limited.body());
    assertThat(problem.get("type").asText()).isEqualTo("urn:tally:problem:query-rate-limited");
    assertThat(problem.get("status").asInt()).isEqualTo(429);
    assertThat(problem.get("detail").asText()).contains("retry after 100 s");

    // Ingest is another resource, not counted against the query limit: it answers for itself
    // (401: it needs an ingester's key), not 429.
    HttpResponse<String> ingest =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString("{}\n"))
                .header("Content-Type", "application/x-ndjson")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ingest.statusCode()).isEqualTo(401);
  }

  @Test
  void theKeyIsThePrincipalWhenThereIsOneElseTheAddress() {
    Principal alice = () -> "alice";
    assertThat(QueryRateLimitFilter.client(alice, "10.0.0.1"))
        .isEqualTo(QueryRateLimitFilter.client(alice, "10.0.0.2"))
        .isNotEqualTo(QueryRateLimitFilter.client(null, "10.0.0.1"));
    assertThat(QueryRateLimitFilter.client(null, "10.0.0.1"))
        .isNotEqualTo(QueryRateLimitFilter.client(null, "10.0.0.2"));
    // A principal named like an address does not share the address's bucket.
    assertThat(QueryRateLimitFilter.client(() -> "10.0.0.1", "x"))
        .isNotEqualTo(QueryRateLimitFilter.client(null, "10.0.0.1"));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
