package io.tally.it.view;

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
import io.tally.serving.TallyServer;
import io.tally.serving.config.KafkaFactory;
import io.tally.tiering.feed.WindowUpdateJson;
import io.tally.tiering.hot.SharedHotStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The serving view is rebuilt from the change feed: what the pipeline published (the largest {@code
 * events} of each window, whatever the order) is what queries show, before and after a restart of
 * the service.
 */
@ExtendWith(KafkaBroker.class)
class ChangeFeedViewIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String FEED = "changefeed-view-it-" + RUN;
  private static final String EVENTS = "changefeed-view-it-events-" + RUN;
  private static final long MINUTE = 60_000;

  /** Recent windows, so that the hot store's evictor keeps them. */
  private static final long T0 = System.currentTimeMillis() / MINUTE * MINUTE - 10 * MINUTE;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void createTopics() {
    KafkaBroker.createTopic(FEED, 3, true);
    KafkaBroker.createTopic(EVENTS, 1, false);
  }

  @Test
  void theViewShowsTheLargestUpdateOfEachWindowBeforeAndAfterARestart() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      publish(producer, count("sports/nba", T0, 10));
      publish(producer, count("sports/nba", T0, 4)); // stale: after the larger one, same key
      publish(producer, count("movies", T0, 7));
      publish(producer, count("movies", T0 + MINUTE, 2));
      publish(producer, topk("movies", T0, 9));
      // Not a window update: skipped, counted, and the reader goes on.
      producer
          .send(
              new ProducerRecord<>(
                  FEED,
                  "junk".getBytes(StandardCharsets.UTF_8),
                  "not a window update".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    List<String> expected =
        List.of(
            at(T0) + " movies 7 events=7",
            at(T0) + " sports/nba 10 events=10",
            at(T0 + MINUTE) + " movies 2 events=2");

    String store = "changefeed-view-it-" + RUN;
    try (TallyServer server = start(store)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> counts(server).equals(expected));
      assertThat(topkWindow(server).get("events").asLong()).isEqualTo(9);
      assertThat(topkWindow(server).get("value").get(0).get("key").asText()).isEqualTo("movie-1");

      JsonNode feed = health(server).get("change-feed");
      assertThat(feed.get("healthy").asBoolean()).isTrue();
      assertThat(feed.get("caughtUp").asBoolean()).isTrue();
      assertThat(feed.get("skipped").asLong()).isEqualTo(1);
      assertThat(feed.get("partitions").asInt()).isEqualTo(3);

      // Updates published while the service runs are followed.
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        publish(producer, count("sports/nba", T0, 12));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> counts(server).contains(at(T0) + " sports/nba 12 events=12"));
    } finally {
      SharedHotStores.remove(store);
    }

    List<String> afterUpdate =
        List.of(
            at(T0) + " movies 7 events=7",
            at(T0) + " sports/nba 12 events=12",
            at(T0 + MINUTE) + " movies 2 events=2");

    // A restarted service has an empty memory, and rebuilds the view from the log.
    try (TallyServer restarted = start(store)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> counts(restarted).equals(afterUpdate));
      assertThat(topkWindow(restarted).get("events").asLong()).isEqualTo(9);
      assertThat(health(restarted).get("change-feed").get("caughtUp").asBoolean()).isTrue();
    } finally {
      SharedHotStores.remove(store);
    }
  }

  /**
   * A node that opens its ports before it has read the whole change feed (its {@code
   * catchUpTimeout} passed first) refuses queries as not ready instead of answering fewer events
   * than the feed holds, then answers all of them.
   */
  @Test
  void aNodeNotYetCaughtUpRefusesQueriesRatherThanAnswerFewerEvents() throws Exception {
    String feed = FEED + "-large";
    KafkaBroker.createTopic(feed, 2, true);
    // 10,000 windows of 3 events: ten minutes of 1,000 categories.
    int windows = 10_000;
    // In record batches of about 4 KB (some 15 records): a fetch below returns one per partition.
    try (KafkaProducer<byte[], byte[]> producer =
        producer(
            Map.of(
                ProducerConfig.BATCH_SIZE_CONFIG, "4096", ProducerConfig.LINGER_MS_CONFIG, "5"))) {
      for (int i = 0; i < windows; i++) {
        WindowUpdate update = count("large/" + i % 1_000, T0 + i / 1_000 * MINUTE, 3);
        producer.send(
            new ProducerRecord<>(
                feed, WindowUpdateJson.key(update), WindowUpdateJson.toBytes(update)));
      }
      producer.flush();
    }
    // One category's ten windows, the last category written of each minute.
    String url =
        "/v1/metrics/events_by_category/windows?category=large/999&from="
            + T0
            + "&to="
            + (T0 + 10 * MINUTE);

    // Reading the feed takes seconds whatever the machine: each fetch returns one record batch per
    // partition (the byte limit is below a batch) after waiting 20 ms for more data than there is.
    // The ports open after one second.
    KafkaFactory kafka = TallyTestConfigs.kafka(EVENTS, feed);
    kafka.setCatchUpTimeout(io.dropwizard.util.Duration.seconds(1));
    kafka.setConsumer(
        Map.of(
            "max.partition.fetch.bytes", "512",
            "fetch.min.bytes", "100000000",
            "fetch.max.wait.ms", "20"));
    String store = "changefeed-view-it-large-" + RUN;
    AtomicInteger notReady = new AtomicInteger();
    try (TallyServer server =
        TallyServer.start(new TallyApplication(), TallyTestConfigs.service(store, kafka))) {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                HttpResponse<String> answer =
                    HTTP.send(
                        HttpRequest.newBuilder(
                                URI.create("http://localhost:" + server.port() + url))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 503) {
                  assertThat(JSON.readTree(answer.body()).get("type").asText())
                      .isEqualTo("urn:tally:problem:not-ready");
                  assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                  notReady.incrementAndGet();
                  return false;
                }
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                long events = 0;
                for (JsonNode w : JSON.readTree(answer.body()).get("windows")) {
                  events += w.get("events").asLong();
                }
                assertThat(events).as("events of an answer").isEqualTo(30);
                return true;
              });
      assertThat(notReady.get()).as("answers refused while reading the feed").isPositive();
    } finally {
      SharedHotStores.remove(store);
    }
  }

  // --- helpers

  private static TallyServer start(String store) throws Exception {
    return TallyServer.start(
        new TallyApplication(),
        TallyTestConfigs.service(store, TallyTestConfigs.kafka(EVENTS, FEED)));
  }

  /** The windows of events_by_category (a built-in metric) as "start category value events". */
  private static List<String> counts(TallyServer server) throws Exception {
    JsonNode windows =
        get(
                server,
                "/v1/metrics/events_by_category/windows?from=" + T0 + "&to=" + (T0 + 10 * MINUTE))
            .get("windows");
    List<String> out = new ArrayList<>();
    for (JsonNode w : windows) {
      out.add(
          w.get("start").asText()
              + " "
              + w.get("group").get("category").asText()
              + " "
              + w.get("value").asText()
              + " events="
              + w.get("events").asLong());
    }
    return out;
  }

  private static JsonNode topkWindow(TallyServer server) throws Exception {
    return get(
            server,
            "/v1/metrics/top_entities_by_category/windows?category=movies&from="
                + T0
                + "&to="
                + (T0 + MINUTE))
        .get("windows")
        .get(0);
  }

  private static JsonNode get(TallyServer server, String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode health(TallyServer server) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.adminPort() + "/healthcheck"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return producer(Map.of());
  }

  private static KafkaProducer<byte[], byte[]> producer(Map<String, String> settings) {
    Properties props = new Properties();
    props.putAll(settings);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** As the pipeline publishes: keyed per window, so that compaction keeps one per window. */
  private static void publish(KafkaProducer<byte[], byte[]> producer, WindowUpdate update)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                FEED, WindowUpdateJson.key(update), WindowUpdateJson.toBytes(update)))
        .get();
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

  private static WindowUpdate topk(String category, long start, long events) {
    return new WindowUpdate(
        "top_entities_by_category",
        1,
        AggregateFunction.TOPK,
        List.of("category"),
        List.of(category),
        start,
        start + 5 * MINUTE,
        new MetricValue.Ranking(
            List.of(
                new MetricValue.RankedItem("movie-1", 6),
                new MetricValue.RankedItem("movie-2", 3))),
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
