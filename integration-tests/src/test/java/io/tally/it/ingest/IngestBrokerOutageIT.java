package io.tally.it.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.tally.it.support.KafkaBroker;
import io.tally.serving.TallyConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker goes away: ingest fails with 503 once the ack timeout has passed, rather than waiting
 * for the broker, and claims nothing.
 */
@ExtendWith(KafkaBroker.class)
class IngestBrokerOutageIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String EVENTS = "ingest-outage-it-events-" + RUN;
  private static final String FEED = "ingest-outage-it-aggregates-" + RUN;
  private static final String STORE = "ingest-outage-it-" + RUN;
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);

  /**
   * How long any request here may take to be answered: far above the ack timeout, so that a busy
   * machine does not fail the test, yet a request left waiting for the broker fails it.
   */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DropwizardAppExtension<TallyConfiguration> app;

  @BeforeAll
  static void startService() throws Exception {
    app =
        TallyTestConfigs.startService(
            STORE,
            EVENTS,
            2,
            FEED,
            1,
            kafka ->
                kafka.setAckTimeout(
                    io.dropwizard.util.Duration.milliseconds(ACK_TIMEOUT.toMillis())));
  }

  @AfterAll
  static void stopService() {
    TallyTestConfigs.stopService(app, STORE);
  }

  @Test
  void withoutABrokerTheRequestFailsWith503AndNothingIsClaimed() throws Exception {
    assertThat(post(event("before")).statusCode()).isEqualTo(202);

    KafkaBroker.stop();
    try {
      // An answer at all (post's request timeout is ANSWER_WITHIN): the service gives up on the
      // broker after the ack timeout instead of holding the request.
      HttpResponse<String> response = post(event("during"));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      JsonNode problem = JSON.readTree(response.body());
      assertThat(problem.get("status").asInt()).isEqualTo(503);
      assertThat(problem.get("type").asText()).isEqualTo("urn:tally:problem:log-unavailable");
      assertThat(problem.get("detail").asText())
          .startsWith("The events were not accepted")
          .contains("Retry the whole request", "(source, id)");
      assertThat(problem.has("accepted")).isFalse();

      JsonNode health = health();
      assertThat(health.get("kafka").get("healthy").asBoolean()).isFalse();
    } finally {
      KafkaBroker.start();
    }

    // The same producer recovers once the broker is back; a retry of the failed request is safe.
    await().atMost(Duration.ofSeconds(90)).until(() -> post(event("during")).statusCode() == 202);
    long during = 0;
    for (ConsumerRecord<byte[], byte[]> record : KafkaRecords.readAll(EVENTS)) {
      if (new String(record.value(), StandardCharsets.UTF_8).contains("\"during\"")) {
        during++;
      }
    }
    assertThat(during).isPositive();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> health().get("kafka").get("healthy").asBoolean());
  }

  private static String event(String id) {
    return "{\"id\":\""
        + id
        + "\",\"source\":\"outage-"
        + RUN
        + "\",\"type\":\"it.test\","
        + "\"category\":\"outage\",\"ts\":1795813200000}\n";
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + app.getLocalPort() + "/v1/events"))
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", TallyTestConfigs.AUTHORIZATION)
            .timeout(ANSWER_WITHIN)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode health() throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.getAdminPort() + "/healthcheck"))
                    .timeout(ANSWER_WITHIN)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }
}
