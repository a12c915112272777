package io.tally.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import io.tally.it.ingest.ServedCounts;
import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.pipeline.PipelineRun;
import io.tally.it.pipeline.PostedEvents;
import io.tally.it.support.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 100,000 malformed records ({@link MalformedEvents}, seeded) mixed with valid events, through
 * the whole production path on a real broker: {@code POST /v1/events} and straight onto the events
 * topic, then the Kafka pipeline on embedded Flink and the query API. Also 10 MB lines, both ways.
 *
 * <ul>
 *   <li>HTTP: every malformed line is refused in the answer with its line number and its reason,
 *       and only the valid lines of a request reach the log; a 10 MB body is a 413;
 *   <li>both ways, every malformed record is on the dead-letter topic with its reason, exactly
 *       once, marked with the stage that refused it: {@code ingest} for what {@code POST
 *       /v1/events} refused (with its line), {@code pipeline} for what the pipeline read;
 *   <li>the pipeline never stops, and every valid event is counted exactly once (duplicates too).
 * </ul>
 *
 * A failure names the seed; rerun with {@code -Dtally.fuzz.seed=N}.
 */
@ExtendWith(KafkaBroker.class)
class MalformedEventsIT {
  private static final long SEED = Long.getLong("tally.fuzz.seed", 20261128L);
  private static final int ROUNDS = Integer.getInteger("tally.fuzz.rounds", 60);

  /** Per round: malformed lines in one HTTP request (the answer lists up to 1,000 of them). */
  private static final int HTTP_MALFORMED = 1_000;

  private static final int HTTP_VALID = 60;

  /** Per round: malformed records straight onto the topic. */
  private static final int KAFKA_MALFORMED = 720;

  private static final int KAFKA_VALID = 30;
  private static final int TEN_MB = 10 * 1024 * 1024;

  private static final long WINDOW = 2_000;
  private static final long MAX_OFFSET = 400;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PipelineRun run;

  @BeforeAll
  static void start() throws Exception {
    // Lateness of 20 s: a large mixed request can take a second or more between its events'
    // times and the log on a busy machine; lateness is not what this test is about.
    run =
        PipelineRun.create(
            "fuzz-it",
            dir,
            """
            metrics:
              - name: count_by_category
                groupBy: [category]
                aggregate: { fn: count }
                window: { size: 2s }
                allowedLateness: 20s
            """);
    // The events topic takes records of up to 16 MB, so that 10 MB ones reach the pipeline.
    createTopic(
        run.eventsTopic(),
        4,
        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 << 20)));
    run.createTopics(4);
    run.startPipeline(false);
    run.startService();
  }

  @AfterAll
  static void stop() throws Exception {
    if (run != null) {
      run.close();
    }
  }

  @Test
  void malformedRecordsAreRefusedOrDeadLetteredWithTheirReasonAndValidOnesCountedOnce()
      throws Exception {
    long started = System.currentTimeMillis();
    MalformedEvents malformed = new MalformedEvents(SEED);
    PostedEvents viaHttp = new PostedEvents("fuzz-http-" + run.id(), WINDOW, MAX_OFFSET, SEED);
    PostedEvents viaKafka =
        new PostedEvents("fuzz-kafka-" + run.id(), WINDOW, MAX_OFFSET, SEED + 1);
    // What the dead-letter topic must hold: payload as it appears there -> its expected error,
    // for what the pipeline refuses and for what HTTP ingest refuses.
    Map<String, List<String>> expectedLetters = new HashMap<>();
    Map<String, List<String>> expectedHttpLetters = new HashMap<>();
    int httpMalformed = 0;
    int kafkaMalformed = 0;

    try (KafkaProducer<byte[], byte[]> producer = largeRecordProducer()) {
      for (int round = 0; round < ROUNDS; round++) {
        httpMalformed += postMixedBatch(malformed, viaHttp, round, expectedHttpLetters);

        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (String line : viaKafka.nextBatch(KAFKA_VALID, System.currentTimeMillis())) {
          byte[] value = line.getBytes(StandardCharsets.UTF_8);
          sends.add(
              producer.send(new ProducerRecord<>(run.eventsTopic(), categoryOf(line), value)));
        }
        for (int i = 0; i < KAFKA_MALFORMED; i++) {
          MalformedEvents.Malformed record = malformed.next();
          sends.add(producer.send(new ProducerRecord<>(run.eventsTopic(), null, record.bytes())));
          expectedLetters
              .computeIfAbsent(asLetterPayload(record.bytes()), k -> new ArrayList<>())
              .add(record.error());
          kafkaMalformed++;
        }
        if (round == ROUNDS / 2) {
          // 10 MB records: one valid UTF-8 but far over the size limit, one not UTF-8 at all.
          byte[] large = tenMegabyteLine();
          byte[] largeNotUtf8 = large.clone();
          largeNotUtf8[7] = (byte) 0xFF;
          for (byte[] record : List.of(large, largeNotUtf8)) {
            sends.add(producer.send(new ProducerRecord<>(run.eventsTopic(), null, record)));
            expectedLetters
                .computeIfAbsent(asLetterPayload(record), k -> new ArrayList<>())
                .add(record == large ? "event is larger than 16384 bytes" : "not valid UTF-8");
            kafkaMalformed++;
          }
          httpMalformed += postTenMegabyteLines(expectedHttpLetters);
        }
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
          send.get();
        }
      }
    }
    System.out.printf(
        "fuzz: seed %d, %d malformed lines over HTTP, %d malformed records onto the topic (%d in all);"
            + " %d + %d distinct valid events, %d + %d copies%n",
        SEED,
        httpMalformed,
        kafkaMalformed,
        httpMalformed + kafkaMalformed,
        viaHttp.distinct(),
        viaKafka.distinct(),
        viaHttp.copies(),
        viaKafka.copies());
    assertThat(httpMalformed + kafkaMalformed).isGreaterThanOrEqualTo(100_000);

    assertDeadLetters(Map.of("pipeline", expectedLetters, "ingest", expectedHttpLetters));
    awaitCountsEqualTheTruth(List.of(viaHttp, viaKafka), started);
    assertThat(run.pipeline().isFinished()).as("the pipeline is still running").isFalse();
  }

  // --- HTTP

  /**
   * One request: malformed and valid lines shuffled together. Answer 202 with every valid line
   * accepted and every malformed one refused, by line number, with its reason.
   */
  private static int postMixedBatch(
      MalformedEvents malformed,
      PostedEvents valid,
      int round,
      Map<String, List<String>> expectedLetters)
      throws Exception {
    List<byte[]> lines = new ArrayList<>();
    Map<Integer, String> expectedErrors = new HashMap<>();
    List<String> validLines = valid.nextBatch(HTTP_VALID, System.currentTimeMillis());
    int v = 0;
    int m = 0;
    java.util.Random order = new java.util.Random(SEED + round);
    while (v < validLines.size() || m < HTTP_MALFORMED) {
      boolean takeValid =
          m == HTTP_MALFORMED
              || (v < validLines.size()
                  && order.nextInt(HTTP_MALFORMED + validLines.size()) < validLines.size());
      if (takeValid) {
        lines.add(validLines.get(v++).getBytes(StandardCharsets.UTF_8));
      } else {
        MalformedEvents.Malformed record = malformed.next();
        lines.add(record.bytes());
        expectedErrors.put(lines.size(), record.error());
        expectedLetters
            .computeIfAbsent(asLetterPayload(record.bytes()), k -> new ArrayList<>())
            .add(record.error());
        m++;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      body.writeBytes(line);
      body.write('\n');
    }
    HttpResponse<String> response = post(body.toByteArray());
    assertThat(response.statusCode())
        .as("seed %d round %d: %s", SEED, round, response.body())
        .isEqualTo(202);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("accepted").asInt()).isEqualTo(validLines.size());
    assertThat(answer.get("rejectedCount").asInt()).isEqualTo(HTTP_MALFORMED);
    Map<Integer, String> errors = new TreeMap<>();
    answer.get("rejected").forEach(r -> errors.put(r.get("line").asInt(), r.get("error").asText()));
    assertThat(errors.keySet()).isEqualTo(expectedErrors.keySet());
    errors.forEach(
        (line, error) ->
            assertThat(error)
                .as(
                    "seed %d round %d line %d: %s",
                    SEED, round, line, new String(lines.get(line - 1), StandardCharsets.UTF_8))
                .startsWith(expectedErrors.get(line)));
    return HTTP_MALFORMED;
  }

  /**
   * A 10 MB line is over the body limit (413, refused unread by its length, so its dead letter has
   * no payload); one of 4 MiB is a refused line, dead-lettered with its payload cut.
   */
  private static int postTenMegabyteLines(Map<String, List<String>> expectedLetters)
      throws Exception {
    byte[] tenMegabytes = tenMegabyteLine();
    HttpResponse<String> tooLarge = post(tenMegabytes);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    expectedLetters
        .computeIfAbsent("", k -> new ArrayList<>())
        .add("request body larger than 5242880 bytes");

    byte[] fourMiB = new byte[4 << 20];
    byte[] head = "{\"id\":\"".getBytes(StandardCharsets.UTF_8);
    java.util.Arrays.fill(fourMiB, (byte) 'x');
    System.arraycopy(head, 0, fourMiB, 0, head.length);
    HttpResponse<String> refused = post(fourMiB);
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode problem = JSON.readTree(refused.body());
    assertThat(problem.get("rejected").get(0).get("error").asText())
        .isEqualTo("event is larger than 16384 bytes");
    expectedLetters
        .computeIfAbsent(asLetterPayload(fourMiB), k -> new ArrayList<>())
        .add("event is larger than 16384 bytes");
    return 2;
  }

  private static byte[] tenMegabyteLine() {
    byte[] line = new byte[TEN_MB];
    java.util.Arrays.fill(line, (byte) 'a');
    byte[] head = "{\"id\":\"".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, line, 0, head.length);
    return line;
  }

  private static HttpResponse<String> post(byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + run.service().port() + "/v1/events"))
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", TallyTestConfigs.AUTHORIZATION)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // --- Kafka

  private static KafkaProducer<byte[], byte[]> largeRecordProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void createTopic(String name, int partitions, Map<String, String> configs)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(Set.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get();
    }
  }

  private static byte[] categoryOf(String line) throws Exception {
    return JSON.readTree(line).get("category").asText().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The payload of a record's dead letter: the record as text, or in Base64 when it is not UTF-8;
   * cut to the dead letter's limit (64 Ki characters).
   */
  private static String asLetterPayload(byte[] record) {
    String payload;
    try {
      payload =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(record))
              .toString();
    } catch (CharacterCodingException e) {
      payload = Base64.getEncoder().encodeToString(record);
    }
    return payload.length() > 64 * 1024 ? payload.substring(0, 64 * 1024) : payload;
  }

  /**
   * Exactly one dead letter per malformed record, each with the expected reason and the stage that
   * refused it ({@code expected}: stage -> payload -> expected errors).
   */
  private static void assertDeadLetters(Map<String, Map<String, List<String>>> expected)
      throws Exception {
    int count = 0;
    Map<String, Map<String, List<String>>> remaining = new HashMap<>();
    for (Map.Entry<String, Map<String, List<String>>> stage : expected.entrySet()) {
      Map<String, List<String>> letters = new HashMap<>();
      for (Map.Entry<String, List<String>> payload : stage.getValue().entrySet()) {
        letters.put(payload.getKey(), new ArrayList<>(payload.getValue()));
        count += payload.getValue().size();
      }
      remaining.put(stage.getKey(), letters);
    }
    int total = count;
    AtomicReference<List<ConsumerRecord<byte[], byte[]>>> read = new AtomicReference<>(List.of());
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              read.set(KafkaRecords.readAll(run.deadLetterTopic()));
              return read.get().size() >= total;
            });
    assertThat(read.get())
        .as("one dead letter per malformed record, and none for a valid one")
        .hasSize(total);
    for (ConsumerRecord<byte[], byte[]> record : read.get()) {
      JsonNode letter = JSON.readTree(record.value());
      assertThat(letter.get("reason").asText()).isEqualTo("invalid");
      String stage = letter.get("stage").asText();
      assertThat(remaining).as("a known stage").containsKey(stage);
      String payload = letter.get("payload").asText();
      List<String> errors = remaining.get(stage).get(payload);
      assertThat(errors)
          .as("a %s dead letter for a record that was sent: %s", stage, payload)
          .isNotNull()
          .isNotEmpty();
      String error = letter.get("error").asText();
      assertThat(errors)
          .as(
              "seed %d: the error of %s",
              SEED, payload.length() > 300 ? payload.substring(0, 300) + "..." : payload)
          .anySatisfy(prefix -> assertThat(error).startsWith(prefix));
      errors.remove(errors.stream().filter(error::startsWith).findFirst().orElseThrow());
      if (stage.equals("ingest")) {
        // Where in its request: every refused line, but not a body refused whole.
        assertThat(letter.has("line")).isEqualTo(!error.startsWith("request body larger"));
      }
      if (payload.length() == 64 * 1024) {
        assertThat(letter.get("payloadTruncated").asBoolean()).isTrue();
        if (!error.startsWith("request body larger")) {
          assertThat(letter.get("payloadLength").asLong()).isGreaterThan(64 * 1024);
        }
      }
    }
  }

  // --- counts

  /** Every window of every category: final, and counting each distinct valid event once. */
  private static void awaitCountsEqualTheTruth(List<PostedEvents> sources, long started) {
    Map<String, Long> expected = new TreeMap<>();
    long first = Long.MAX_VALUE;
    for (PostedEvents source : sources) {
      source
          .byWindowAndCategory()
          .forEach((key, events) -> expected.merge(key, (long) events.size(), Long::sum));
      first = Math.min(first, source.windowStart(source.firstTs()));
    }
    ServedCounts.awaitFinalCountsEqual(
        run.service().port(), "count_by_category", first - WINDOW, started + 600_000, expected);
  }
}
