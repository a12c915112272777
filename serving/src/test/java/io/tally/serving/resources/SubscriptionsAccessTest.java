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
import io.tally.tiering.rules.SharedRuleLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Saving and removing saved queries are writes: they need a key with the subscriber role, are
 * rate-limited per credential, and each credential may keep only so many saved queries.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SubscriptionsAccessTest {
  private static final String STORE = "subscriptions-access-test-" + UUID.randomUUID();
  private static final int CAP = 2;
  // Enough for every request of TestKeys.SUBSCRIBER in this class, which no test refills (the
  // refill is one per 1,000 s): the rate-limit test uses a key of its own.
  private static final int BURST = 12;
  private static final String US =
      "{\"metric\": \"views_by_geo_type\", \"where\": {\"geo\": \"US\"}}";

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config(
              "metricsFile", ResourceHelpers.resourceFilePath("test-metrics.yaml")),
          ConfigOverride.config(
              "subscriptions.savedQueriesFile", "target/" + STORE + "/saved-queries.json"),
          ConfigOverride.config("subscriptions.maxSavedQueriesPerPrincipal", Integer.toString(CAP)),
          ConfigOverride.config("subscriptions.writesPerSecond", "0.001"),
          ConfigOverride.config("subscriptions.writeBurst", Integer.toString(BURST)));

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @AfterAll
  static void dropStores() {
    SharedHotStores.remove(STORE);
    SharedRuleLogs.remove(STORE);
  }

  @Test
  void savingNeedsAKeyWithTheSubscriberRole() throws Exception {
    HttpResponse<String> anonymous = post(US, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    assertThat(post(US, "not-a-key").statusCode()).isEqualTo(401);
    for (String otherRole : List.of(TestKeys.READER, TestKeys.INGESTER, TestKeys.ADMIN)) {
      HttpResponse<String> refused = post(US, otherRole);
      assertThat(refused.statusCode()).as(otherRole).isEqualTo(403);
      assertThat(refused.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    HttpResponse<String> saved = post(US, TestKeys.SUBSCRIBER);
    assertThat(saved.statusCode()).isEqualTo(201);
    JsonNode body = JSON.readTree(saved.body());
    assertThat(body.get("metric").asText()).isEqualTo("views_by_geo_type");
    // Which credential saved it is kept, but not shown.
    assertThat(body.has("owner")).isFalse();
    String id = body.get("id").asText();
    // Reading it stays a read: open in this configuration.
    assertThat(send(request("/v1/subscriptions/" + id, null).GET()).statusCode()).isEqualTo(200);

    assertThat(delete(id, null).statusCode()).isEqualTo(401);
    assertThat(delete(id, TestKeys.READER).statusCode()).isEqualTo(403);
    assertThat(send(request("/v1/subscriptions/" + id, null).GET()).statusCode())
        .as("refused deletes remove nothing")
        .isEqualTo(200);
    assertThat(delete(id, TestKeys.SUBSCRIBER).statusCode()).isEqualTo(204);
    assertThat(send(request("/v1/subscriptions/" + id, null).GET()).statusCode()).isEqualTo(404);
  }

  @Test
  void aCredentialMayKeepOnlySoManySavedQueries() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CAP; i++) {
      HttpResponse<String> saved = post(US, TestKeys.SUBSCRIBER);
      assertThat(saved.statusCode()).isEqualTo(201);
      ids.add(JSON.readTree(saved.body()).get("id").asText());
    }
    HttpResponse<String> over = post(US, TestKeys.SUBSCRIBER);
    assertThat(over.statusCode()).isEqualTo(409);
    assertThat(over.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(over.body());
    assertThat(problem.get("type").asText()).isEqualTo("urn:tally:problem:saved-query-limit");
    assertThat(problem.get("detail").asText()).contains(Integer.toString(CAP));

    // Removing one makes room for one.
    assertThat(delete(ids.remove(0), TestKeys.SUBSCRIBER).statusCode()).isEqualTo(204);
    HttpResponse<String> again = post(US, TestKeys.SUBSCRIBER);
    assertThat(again.statusCode()).isEqualTo(201);
    ids.add(JSON.readTree(again.body()).get("id").asText());

    for (String id : ids) {
      assertThat(delete(id, TestKeys.SUBSCRIBER).statusCode()).isEqualTo(204);
    }
  }

  @Test
  void savesAndRemovalsAreRateLimitedPerCredential() throws Exception {
    // Removals of unknown ids take from the same bucket as saves (a 404 each), and stay clear of
    // the cap on saved queries.
    for (int i = 0; i < BURST; i++) {
      assertThat(delete("unknown-" + i, TestKeys.OTHER_SUBSCRIBER).statusCode())
          .as("request %d of the burst", i)
          .isEqualTo(404);
    }
    HttpResponse<String> limited = post(US, TestKeys.OTHER_SUBSCRIBER);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(limited.body()).get("type").asText())
        .isEqualTo("urn:tally:problem:query-rate-limited");
    assertThat(delete("unknown", TestKeys.OTHER_SUBSCRIBER).statusCode()).isEqualTo(429);
  }

  private static HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path))
            .timeout(TIMEOUT);
    return key == null ? builder : builder.header("Authorization", "Bearer " + key);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Writes on a connection of their own: a write refused before its body was read leaves the server
   * closing that connection, and a pooled client may send the next request on it first.
   */
  private static HttpResponse<String> write(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String body, String key) throws Exception {
    return write(
        request("/v1/subscriptions", key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> delete(String id, String key) throws Exception {
    return write(request("/v1/subscriptions/" + id, key).DELETE());
  }
}
