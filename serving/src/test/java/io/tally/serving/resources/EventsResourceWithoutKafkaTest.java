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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded mode has no Kafka: ingest is there, and says why it cannot take events. */
@ExtendWith(DropwizardExtensionsSupport.class)
class EventsResourceWithoutKafkaTest {
  private static final String STORE = "events-resource-test-" + UUID.randomUUID();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE));

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void ingestIs503ProblemWithoutKafka() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/v1/events"))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + TestKeys.INGESTER)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\"category\":\"c\",\"ts\":0}\n"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(503);
    assertThat(problem.get("type").asText()).isEqualTo("urn:tally:problem:ingest-disabled");
    assertThat(problem.get("detail").asText())
        .isEqualTo("ingest needs a Kafka log; this deployment runs without one");
  }

  @Test
  void noKafkaHealthChecksWithoutKafka() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getAdminPort() + "/healthcheck"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode health = JSON.readTree(response.body());
    assertThat(health.has("kafka")).isFalse();
    assertThat(health.has("change-feed")).isFalse();
    assertThat(response.statusCode()).isEqualTo(200);
  }
}
