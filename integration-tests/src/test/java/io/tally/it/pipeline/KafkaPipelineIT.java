package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.support.KafkaBroker;
import io.tally.runners.load.SyntheticProducer;
import io.tally.serving.TallyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole production path on a real broker: {@code POST /v1/events} → events topic → the Kafka
 * pipeline on the embedded Flink runner → change-feed topic → the service's view → {@code GET
 * /v1/metrics/{name}/windows}. Duplicates are counted once, final windows equal the ground truth
 * exactly, {@code events} never goes down between reads, and records that the HTTP validation would
 * have refused, written straight to the topic, end on the dead-letter topic with their reason
 * without touching the counts.
 */
@ExtendWith(KafkaBroker.class)
class KafkaPipelineIT {
  private static final long WINDOW = 2_000;

  /** The pipeline's disorder bound is 1 s; event times lag their batch by at most this. */
  private static final long MAX_OFFSET = 400;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String METRICS =
      """
      metrics:
        - name: count_by_category
          groupBy: [category]
          aggregate: { fn: count }
          window: { size: 2s }
          allowedLateness: 0s
        - name: top_entities_by_category
          groupBy: [category]
          aggregate: { fn: topk, field: entity, k: 3 }
          window: { size: 2s }
          allowedLateness: 0s
        - name: distinct_users_by_category
          groupBy: [category]
          aggregate: { fn: distinct, field: user }
          window: { size: 2s }
          allowedLateness: 0s
      """;

  @TempDir static Path dir;
  private static PipelineRun run;
  private static TallyServer server;

  @BeforeAll
  static void start() throws Exception {
    run = PipelineRun.create("pipeline-it", dir, METRICS);
    // More partitions than categories: some partitions never get a record, and the windows must
    // close all the same (their watermark follows the clock once caught up).
    run.createTopics(8);
    run.startPipeline(false);
    server = run.startService();
  }

  @AfterAll
  static void stop() throws Exception {
    if (run != null) {
      run.close();
    }
  }

  @Test
  void postedEventsAreCountedOnceAndInvalidRecordsDeadLettered() throws Exception {
    PostedEvents events = new PostedEvents("it-" + run.id(), WINDOW, MAX_OFFSET, 42);
    long started = System.currentTimeMillis();
    int batches = 8;
    for (int b = 0; b < batches; b++) {
      // Spread the batches over several windows, paced by the clock (500 ms apart).
      long due = started + b * 500L;
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> System.currentTimeMillis() >= due);
      List<String> lines = events.nextBatch(60, System.currentTimeMillis());
      HttpResponse<String> response = post(String.join("\n", lines) + "\n");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(lines.size());
      if (b == 3) {
        sendInvalidRecordsToTheTopic();
      }
    }
    assertThat(events.copies()).isGreaterThan(0);

    awaitFinalWindowsEqualTheTruth(events, started);
    assertDeadLetters();
  }

  // --- the windows

  private static void awaitFinalWindowsEqualTheTruth(PostedEvents events, long started) {
    Map<String, List<PostedEvents.Fresh>> truth = events.byWindowAndCategory();
    Map<String, Long> expectedCounts = new TreeMap<>();
    Map<String, List<String>> expectedTop = new TreeMap<>();
    Map<String, Long> expectedUsers = new TreeMap<>();
    truth.forEach(
        (key, list) -> {
          expectedCounts.put(key, (long) list.size());
          expectedTop.put(key, top(list, 3));
          expectedUsers.put(key, list.stream().map(PostedEvents.Fresh::user).distinct().count());
        });
    long from = events.windowStart(events.firstTs()) - WINDOW;
    long to = started + 60_000;
    Map<String, Long> highestEvents = new HashMap<>();
    List<String> decreases = new ArrayList<>();
    AtomicReference<String> lastMismatch = new AtomicReference<>("no answer yet");

    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                Map<String, JsonNode> counts = windows("count_by_category", from, to);
                Map<String, JsonNode> top = windows("top_entities_by_category", from, to);
                Map<String, JsonNode> users = windows("distinct_users_by_category", from, to);
                track("count", counts, highestEvents, decreases);
                track("topk", top, highestEvents, decreases);
                track("distinct", users, highestEvents, decreases);
                String mismatch =
                    mismatch(
                        "count",
                        counts,
                        expectedCounts,
                        expectedCounts,
                        w -> w.get("value").asLong(),
                        Long::equals);
                if (mismatch == null) {
                  mismatch =
                      mismatch(
                          "topk",
                          top,
                          expectedTop,
                          expectedCounts,
                          KafkaPipelineIT::ranking,
                          List::equals);
                }
                if (mismatch == null) {
                  mismatch =
                      mismatch(
                          "distinct",
                          users,
                          expectedUsers,
                          expectedCounts,
                          w -> w.get("value").asLong(),
                          KafkaPipelineIT::within2Percent);
                }
                lastMismatch.set(mismatch);
                return mismatch == null;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("final windows never matched the truth: " + lastMismatch.get(), e);
    }
    assertThat(decreases).as("events never decrease between reads").isEmpty();
  }

  /**
   * Null when {@code actual} has exactly the expected windows, every one final, with the expected
   * value and {@code events} equal to its distinct events; else what differs.
   */
  private static <T> String mismatch(
      String metric,
      Map<String, JsonNode> actual,
      Map<String, T> expected,
      Map<String, Long> distinctEvents,
      Function<JsonNode, T> value,
      BiPredicate<T, T> matches) {
    if (!actual.keySet().equals(expected.keySet())) {
      Set<String> missing = new TreeSet<>(expected.keySet());
      missing.removeAll(actual.keySet());
      Set<String> extra = new TreeSet<>(actual.keySet());
      extra.removeAll(expected.keySet());
      return metric + ": missing windows " + missing + ", unexpected " + extra;
    }
    for (Map.Entry<String, T> e : expected.entrySet()) {
      JsonNode window = actual.get(e.getKey());
      if (!window.get("final").asBoolean()) {
        return metric + " " + e.getKey() + " not final yet: " + window;
      }
      if (!matches.test(e.getValue(), value.apply(window))
          || window.get("events").asLong() != distinctEvents.get(e.getKey())) {
        return metric
            + " "
            + e.getKey()
            + ": expected "
            + e.getValue()
            + " of "
            + distinctEvents.get(e.getKey())
            + " events, got "
            + window;
      }
    }
    return null;
  }

  /** The contract's accuracy for distinct counts: within 2% (at least 1). */
  private static boolean within2Percent(Long expected, Long actual) {
    return Math.abs(actual - expected) <= Math.max(1, Math.ceil(0.02 * expected));
  }

  /** Remembers the largest {@code events} seen per window and notes any decrease. */
  private static void track(
      String metric, Map<String, JsonNode> windows, Map<String, Long> highest, List<String> out) {
    windows.forEach(
        (key, w) -> {
          long events = w.get("events").asLong();
          Long before = highest.put(metric + " " + key, events);
          if (before != null && events < before) {
            highest.put(metric + " " + key, before);
            out.add(metric + " " + key + ": " + before + " then " + events);
          }
        });
  }

  /** "start category" → window object, for every window of {@code metric} in [from, to). */
  private static Map<String, JsonNode> windows(String metric, long from, long to) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + server.port()
                            + "/v1/metrics/"
                            + metric
                            + "/windows?from="
                            + from
                            + "&to="
                            + to))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode w : JSON.readTree(response.body()).get("windows")) {
      long start = Instant.parse(w.get("start").asText()).toEpochMilli();
      out.put(start + " " + w.get("group").get("category").asText(), w);
    }
    return out;
  }

  private static List<String> ranking(JsonNode window) {
    List<String> out = new ArrayList<>();
    for (JsonNode item : window.get("value")) {
      out.add(item.get("key").asText() + "=" + item.get("count").asLong());
    }
    return out;
  }

  /** The contract's top-K order: largest count first, ties by key ascending. */
  private static List<String> top(List<PostedEvents.Fresh> events, int k) {
    Map<String, Long> counts =
        events.stream()
            .collect(Collectors.groupingBy(PostedEvents.Fresh::entity, Collectors.counting()));
    return counts.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(k)
        .map(e -> e.getKey() + "=" + e.getValue())
        .toList();
  }

  // --- dead letters

  private static final String BROKEN_JSON = "{\"id\":\"broken\",\"source\":";
  private static final byte[] NOT_UTF8 = {
    '{', '"', 'i', 'd', '"', ':', (byte) 0xC3, (byte) 0x28, '}'
  };
  private static final String NO_TS =
      "{\"id\":\"no-ts\",\"source\":\"it-x\",\"type\":\"it.view\",\"category\":\"sports/nba\"}";

  /** Records the HTTP validation would refuse, written straight to the events topic. */
  private static void sendInvalidRecordsToTheTopic() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        SyntheticProducer.producer(KafkaBroker.bootstrapServers())) {
      byte[] key = "sports/nba".getBytes(StandardCharsets.UTF_8);
      String events = run.eventsTopic();
      producer
          .send(new ProducerRecord<>(events, key, BROKEN_JSON.getBytes(StandardCharsets.UTF_8)))
          .get();
      producer.send(new ProducerRecord<>(events, key, NOT_UTF8)).get();
      producer
          .send(new ProducerRecord<>(events, key, NO_TS.getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  private static void assertDeadLetters() throws Exception {
    AtomicReference<List<JsonNode>> letters = new AtomicReference<>(List.of());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              List<JsonNode> read = new ArrayList<>();
              for (ConsumerRecord<byte[], byte[]> r : KafkaRecords.readAll(run.deadLetterTopic())) {
                read.add(JSON.readTree(r.value()));
              }
              letters.set(read);
              return read.size() >= 3;
            });
    List<JsonNode> all = letters.get();
    assertThat(all).as("only the three invalid records: nothing valid was late").hasSize(3);
    Map<String, JsonNode> byPayload = new HashMap<>();
    for (JsonNode letter : all) {
      assertThat(letter.get("reason").asText()).isEqualTo("invalid");
      assertThat(letter.get("error").asText()).isNotBlank();
      assertThat(letter.get("ts").asText()).isNotBlank();
      byPayload.put(letter.get("payload").asText(), letter);
    }
    assertThat(byPayload)
        .containsKeys(BROKEN_JSON, Base64.getEncoder().encodeToString(NOT_UTF8), NO_TS);
    assertThat(byPayload.get(NO_TS).get("error").asText()).contains("ts");
    assertThat(byPayload.get(Base64.getEncoder().encodeToString(NOT_UTF8)).get("error").asText())
        .contains("UTF-8");
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/v1/events"))
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", TallyTestConfigs.AUTHORIZATION)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
