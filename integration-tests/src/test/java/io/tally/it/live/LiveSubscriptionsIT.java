package io.tally.it.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.support.KafkaBroker;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.serving.TallyServer;
import io.tally.serving.config.SubscriptionsFactory;
import io.tally.tiering.feed.WindowUpdateJson;
import io.tally.tiering.hot.SharedHotStores;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live subscriptions end to end: window updates published on the change feed (as the pipeline
 * publishes them) reach SSE clients of the real service through its Kafka-fed view.
 */
@ExtendWith(KafkaBroker.class)
class LiveSubscriptionsIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final long MINUTE = 60_000;

  /** Recent windows: within the snapshot horizon and the hot retention. */
  private static final long T0 = System.currentTimeMillis() / MINUTE * MINUTE - 3 * MINUTE;

  /**
   * A stream whose writes have not completed for this long is closed. Long enough that the fast
   * clients, which read all the time, never come near it even on a busy machine; the slow client
   * reads nothing, so it reaches any timeout.
   */
  private static final io.dropwizard.util.Duration SLOW_CLIENT_TIMEOUT =
      io.dropwizard.util.Duration.seconds(15);

  /** How long a request here may take to be answered; only a hang comes near it. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String feed = "live-it-feed-" + RUN + "-" + System.nanoTime();
  private final String store = "live-it-" + RUN + "-" + System.nanoTime();
  private final List<TallyServer> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TallyServer server : servers) {
      server.close();
    }
    SharedHotStores.remove(store);
  }

  @Test
  void aSavedQueryStreamsOrderedUpdatesResumesWithTheLatestStateAndOutlivesARestart()
      throws Exception {
    TallyServer server =
        start(subscriptions -> subscriptions.setHeartbeat(io.dropwizard.util.Duration.seconds(1)));
    String id =
        JSON.readTree(
                post(
                    server,
                    "{\"metric\": \"events_by_category\", \"where\": {\"category\": \"sports/nba\"}}"))
            .get("id")
            .asText();

    List<WindowUpdate> first = new ArrayList<>();
    for (int events = 1; events <= 30; events++) {
      first.add(count("sports/nba", T0, events));
      first.add(count("movies", T0, events)); // another group: never sent to this query
      if (events <= 10) {
        first.add(count("sports/nba", T0 + MINUTE, events));
      }
    }
    try (SseCollector live = stream(server, "/v1/subscriptions/" + id + "/stream", null)) {
      publish(first);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> latest(live).equals(Map.of(T0, 30L, T0 + MINUTE, 10L)));

      List<JsonNode> windows = live.windows();
      assertThat(windows)
          .allSatisfy(
              w -> {
                assertThat(w.get("metric").asText()).isEqualTo("events_by_category");
                assertThat(w.get("group").get("category").asText()).isEqualTo("sports/nba");
              });
      assertGrowing(windows);
      assertThat(live.messages()).extracting(m -> seq(m.id())).isSorted().doesNotHaveDuplicates();

      // Away for a while: one window changes, one is new, one stays as it was.
      String lastId = live.lastId();
      live.close();
      List<WindowUpdate> meanwhile = new ArrayList<>();
      for (int events = 31; events <= 40; events++) {
        meanwhile.add(count("sports/nba", T0, events));
      }
      meanwhile.add(count("sports/nba", T0 + 2 * MINUTE, 5));
      publish(meanwhile);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> viewEvents(server, "sports/nba", T0) == 40);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> viewEvents(server, "sports/nba", T0 + 2 * MINUTE) == 5);

      try (SseCollector resumed = stream(server, "/v1/subscriptions/" + id + "/stream", lastId)) {
        // The latest state of what changed, not a replay; then heartbeats (nothing else changes).
        await().atMost(Duration.ofSeconds(30)).until(() -> resumed.comments() >= 2);
        assertThat(resumed.windows())
            .extracting(w -> w.get("start").asText() + "=" + w.get("events").asLong())
            .containsExactlyInAnyOrder(at(T0) + "=40", at(T0 + 2 * MINUTE) + "=5");
      }
    }

    // A restarted service keeps the saved query; a cursor of the old run gives a full snapshot.
    server.close();
    servers.remove(server);
    SharedHotStores.remove(store); // a new process starts with an empty memory
    TallyServer restarted = start(subscriptions -> {});
    assertThat(get(restarted, "/v1/subscriptions/" + id).statusCode()).isEqualTo(200);
    try (SseCollector again =
        stream(restarted, "/v1/subscriptions/" + id + "/stream", "oldrun-99")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> latest(again).equals(Map.of(T0, 40L, T0 + MINUTE, 10L, T0 + 2 * MINUTE, 5L)));
    }
    HttpResponse<String> deleted =
        HTTP.send(
            request(restarted, "/v1/subscriptions/" + id)
                .header("Authorization", TallyTestConfigs.AUTHORIZATION)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(get(restarted, "/v1/subscriptions/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void aSlowClientIsCoalescedThenDisconnectedWhileFastClientsGetEverything() throws Exception {
    TallyServer server =
        start(
            subscriptions -> {
              subscriptions.setSlowClientTimeout(SLOW_CLIENT_TIMEOUT);
              subscriptions.setCloseGrace(io.dropwizard.util.Duration.minutes(2));
            });
    String path = "/v1/metrics/top_entities_by_category/stream";
    int groups = 100;
    int stepsPerRound = 20;
    int maxRounds = 10;

    try (Socket slow = new Socket();
        SseCollector fast1 = stream(server, path, null);
        SseCollector fast2 = stream(server, path, null)) {
      // A client that asks and then reads nothing: its buffers fill up and the server's writes
      // to it stop completing.
      slow.setReceiveBufferSize(4096);
      slow.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
      OutputStream request = slow.getOutputStream();
      request.write(
          ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      request.flush();

      // Rounds of updates until the server gives up on it: how much the kernel buffers on
      // loopback before a write stops completing varies from run to run.
      int steps = 0;
      for (int round = 0;
          round < maxRounds && gauge(server, "io.tally.live.slowDisconnects") == 0;
          round++) {
        List<WindowUpdate> updates = new ArrayList<>();
        for (int step = 0; step < stepsPerRound; step++) {
          steps++;
          for (int g = 0; g < groups; g++) {
            updates.add(topk("category-" + g, steps));
          }
        }
        publish(updates);
        Map<String, Long> everything = new HashMap<>();
        for (int g = 0; g < groups; g++) {
          everything.put("category-" + g, (long) steps);
        }
        for (SseCollector fast : List.of(fast1, fast2)) {
          await()
              .atMost(Duration.ofSeconds(120))
              .until(() -> latestByGroup(fast).equals(everything));
        }
        // The slow client's writes have been stuck since early in the round: the next checks
        // (every second, after the slow-client timeout) close it.
        try {
          await()
              .atMost(Duration.ofSeconds(2 * SLOW_CLIENT_TIMEOUT.toSeconds()))
              .until(() -> gauge(server, "io.tally.live.slowDisconnects") >= 1);
        } catch (ConditionTimeoutException notYet) {
          // Everything still fit in the buffers: another round.
        }
      }
      for (SseCollector fast : List.of(fast1, fast2)) {
        assertGrowing(fast.windows());
        assertThat(fast.messages()).noneMatch(m -> m.event().equals("disconnect"));
        assertThat(fast.isClosed()).isFalse();
      }
      assertThat(gauge(server, "io.tally.live.slowDisconnects")).isEqualTo(1);
      assertThat(gauge(server, "io.tally.live.coalesced")).isPositive();

      // Now it reads: what it was sent (fewer, newer states), then the reason, then the end.
      slow.setSoTimeout(60_000);
      List<SseMessage> received = SseMessage.parse(dechunk(slow.getInputStream()));
      SseMessage last = received.get(received.size() - 1);
      assertThat(last.event()).isEqualTo("disconnect");
      assertThat(SseCollector.json(last.data()).get("reason").asText()).startsWith("too slow");
      List<JsonNode> windows =
          received.stream()
              .filter(m -> m.event().equals("window"))
              .map(m -> SseCollector.json(m.data()))
              .toList();
      assertGrowing(windows);
      assertThat(windows).hasSizeLessThan(groups * steps);
    }
  }

  // --- servers and requests

  private TallyServer start(Consumer<SubscriptionsFactory> tune) throws Exception {
    KafkaBroker.createTopic(feed, 2, true);
    TallyConfiguration config =
        TallyTestConfigs.service(store, TallyTestConfigs.kafka("live-it-events-" + RUN, feed));
    config.getSubscriptions().setSavedQueriesTopic("live-it-saved-" + RUN);
    tune.accept(config.getSubscriptions());
    TallyServer server = TallyServer.start(new TallyApplication(), config);
    servers.add(server);
    return server;
  }

  private static SseCollector stream(TallyServer server, String path, String lastEventId)
      throws Exception {
    return new SseCollector(
        HTTP, URI.create("http://localhost:" + server.port() + path), lastEventId);
  }

  private static HttpRequest.Builder request(TallyServer server, String path) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
        .timeout(ANSWER_WITHIN);
  }

  private static HttpResponse<String> get(TallyServer server, String path) throws Exception {
    return HTTP.send(request(server, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String post(TallyServer server, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            request(server, "/v1/subscriptions")
                .header("Authorization", TallyTestConfigs.AUTHORIZATION)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return response.body();
  }

  private static long viewEvents(TallyServer server, String category, long start) throws Exception {
    JsonNode windows =
        JSON.readTree(
                get(
                        server,
                        "/v1/metrics/events_by_category/windows?category="
                            + category
                            + "&from="
                            + start
                            + "&to="
                            + (start + 1))
                    .body())
            .get("windows");
    return windows.isEmpty() ? 0 : windows.get(0).get("events").asLong();
  }

  private static long gauge(TallyServer server, String name) throws Exception {
    JsonNode metrics =
        JSON.readTree(
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://localhost:" + server.adminPort() + "/metrics"))
                        .timeout(ANSWER_WITHIN)
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    return metrics.get("gauges").get(name).get("value").asLong();
  }

  // --- what was received

  /** Per (group, window): every message has more events than the one before. */
  private static void assertGrowing(List<JsonNode> windows) {
    Map<String, Long> seen = new HashMap<>();
    for (JsonNode w : windows) {
      String key = w.get("group").toString() + w.get("start").asText();
      long events = w.get("events").asLong();
      Long before = seen.put(key, events);
      assertThat(before == null || events > before)
          .as("%s: %s events after %s", key, events, before)
          .isTrue();
    }
  }

  /** The latest events per window start. */
  private static Map<Long, Long> latest(SseCollector collector) {
    Map<Long, Long> latest = new HashMap<>();
    for (JsonNode w : collector.windows()) {
      latest.merge(
          Instant.parse(w.get("start").asText()).toEpochMilli(),
          w.get("events").asLong(),
          Math::max);
    }
    return latest;
  }

  private static Map<String, Long> latestByGroup(SseCollector collector) {
    Map<String, Long> latest = new HashMap<>();
    for (JsonNode w : collector.windows()) {
      latest.merge(w.get("group").get("category").asText(), w.get("events").asLong(), Math::max);
    }
    return latest;
  }

  private static long seq(String id) {
    return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
  }

  /** The body of a chunked HTTP response, read to its end. */
  private static String dechunk(InputStream in) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String line;
    while (!(line = readLine(in)).isEmpty()) {
      // response headers
    }
    while (true) {
      String size = readLine(in);
      if (size == null) {
        break;
      }
      int length = Integer.parseInt(size.split(";")[0].trim(), 16);
      if (length == 0) {
        break;
      }
      body.write(in.readNBytes(length));
      readLine(in);
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws Exception {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  /** An SSE message of a raw stream. */
  record SseMessage(String event, String data) {
    static List<SseMessage> parse(String text) {
      List<SseMessage> messages = new ArrayList<>();
      for (String block : text.split("\n\n")) {
        String event = "message";
        String data = null;
        for (String line : block.split("\n")) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = line.substring(6);
          }
        }
        if (data != null) {
          messages.add(new SseMessage(event, data));
        }
      }
      return messages;
    }
  }

  // --- the change feed

  private void publish(List<WindowUpdate> updates) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (WindowUpdate update : updates) {
        producer.send(
            new ProducerRecord<>(
                feed, WindowUpdateJson.key(update), WindowUpdateJson.toBytes(update)));
      }
      producer.flush();
    }
  }

  private static WindowUpdate count(String category, long start, long events) {
    return new WindowUpdate(
        "events_by_category",
        1,
        AggregateFunction.COUNT,
        List.of("category"),
        List.of(category),
        start,
        start + MINUTE,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  /** A top-K window with ten long keys: about 700 bytes a message. */
  private static WindowUpdate topk(String category, long events) {
    List<MetricValue.RankedItem> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      items.add(
          new MetricValue.RankedItem(
              "a-rather-long-entity-name-for-a-bigger-message-" + i, events - i));
    }
    return new WindowUpdate(
        "top_entities_by_category",
        1,
        AggregateFunction.TOPK,
        List.of("category"),
        List.of(category),
        T0,
        T0 + 5 * MINUTE,
        new MetricValue.Ranking(items),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  private static String at(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
