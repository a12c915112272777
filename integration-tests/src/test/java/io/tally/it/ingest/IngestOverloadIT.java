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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer buffer far too small for the load (4 KiB, and {@code send} never blocks), so that
 * concurrent requests ask for far more than twice what the log takes: requests are refused with 429
 * and {@code Retry-After} at once (every answer comes within the client's timeout: nothing waits in
 * an unbounded queue), and every request that got a 202 is in the log. That everything in the log
 * is counted exactly once is what the pipeline tests prove.
 */
@ExtendWith(KafkaBroker.class)
class IngestOverloadIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String EVENTS = "ingest-overload-it-events-" + RUN;
  private static final String FEED = "ingest-overload-it-aggregates-" + RUN;
  private static final String STORE = "ingest-overload-it-" + RUN;
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
                kafka.setProducer(
                    Map.of(
                        "buffer.memory", "4096",
                        "batch.size", "1024",
                        "max.block.ms", "0",
                        "linger.ms", "0")));
  }

  @AfterAll
  static void stopService() {
    TallyTestConfigs.stopService(app, STORE);
  }

  @Test
  void aFullBufferIs429WithRetryAfterAndEveryAcceptedRequestIsInTheLog() throws Exception {
    // A small request fits.
    HttpResponse<String> small = post(body("small", 1));
    assertThat(small.statusCode()).isEqualTo(202);
    Set<String> acceptedIds = new HashSet<>(List.of("small-0"));

    // Concurrent large requests: more than 4 KiB each, and all at once.
    List<HttpResponse<String>> overloaded = new ArrayList<>();
    AtomicInteger round = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              int r = round.getAndIncrement();
              List<String> bodies = new ArrayList<>();
              List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                String prefix = "r" + r + "-" + i;
                bodies.add(prefix);
                answers.add(
                    HTTP.sendAsync(
                        request(body(prefix, 500)), HttpResponse.BodyHandlers.ofString()));
              }
              for (int i = 0; i < answers.size(); i++) {
                HttpResponse<String> answer = answers.get(i).join();
                if (answer.statusCode() == 202) {
                  for (int n = 0; n < 500; n++) {
                    acceptedIds.add(bodies.get(i) + "-" + n);
                  }
                } else {
                  overloaded.add(answer);
                }
              }
              return overloaded.stream().anyMatch(a -> a.statusCode() == 429);
            });

    for (HttpResponse<String> answer : overloaded) {
      assertThat(answer.statusCode()).isEqualTo(429);
      assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = JSON.readTree(answer.body());
      assertThat(problem.get("status").asInt()).isEqualTo(429);
      assertThat(problem.get("type").asText()).isEqualTo("urn:tally:problem:log-overloaded");
      assertThat(problem.has("accepted")).isFalse();
    }

    // Everything a 202 claimed is in the log (refused requests may have left some there too:
    // retries are safe because events are de-duplicated by (source, id)).
    Set<String> inLog = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : KafkaRecords.readAll(EVENTS)) {
      inLog.add(
          JSON.readTree(new String(record.value(), StandardCharsets.UTF_8)).get("id").asText());
    }
    assertThat(inLog).containsAll(acceptedIds);

    // Once the load is gone, requests are accepted again.
    await().atMost(Duration.ofSeconds(30)).until(() -> post(body("after", 1)).statusCode() == 202);
  }

  private static String body(String prefix, int events) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < events; i++) {
      body.append("{\"id\":\"")
          .append(prefix)
          .append('-')
          .append(i)
          .append("\",\"source\":\"overload\",\"type\":\"it.load\",\"category\":\"load/")
          .append(i % 7)
          .append("\",\"ts\":1795813200000,\"entity\":\"")
          .append("e".repeat(64))
          .append("\"}\n");
    }
    return body.toString();
  }

  private static HttpRequest request(String body) {
    return HttpRequest.newBuilder(
            URI.create("http://localhost:" + app.getLocalPort() + "/v1/events"))
        // An overloaded service answers; it never leaves a request hanging.
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-ndjson")
        .header("Authorization", TallyTestConfigs.AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(request(body), HttpResponse.BodyHandlers.ofString());
  }
}
