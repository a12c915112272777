package io.tally.serving.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.model.deadletter.DeadLetterJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ingest path in front of a log that records what it was given, or fails as Kafka would. */
class IngestServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T04:00:00Z"), ZoneOffset.UTC);
  private static final String VALID =
      "{\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"category\":\"sports/nba\",\"ts\":\"2026-11-27T21:00:00Z\"}";

  private final RecordingLog log = new RecordingLog();
  private final IngestService service = new IngestService(log, IngestAdmission.unlimited(), CLOCK);

  @Test
  void everyRefusedLineIsDeadLetteredWithItsReasonLineAndStageInTheSameAppendAsTheValidOnes()
      throws Exception {
    byte[] notUtf8 = {'{', (byte) 0xFF, '}'};
    byte[] body =
        lines(
            VALID.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), notUtf8);

    EventBatch batch = service.ingest(new ByteArrayInputStream(body), body.length);

    assertThat(batch.accepted()).hasSize(1);
    assertThat(log.appends).hasSize(1);
    assertThat(log.events())
        .extracting(e -> new String(e.value(), StandardCharsets.UTF_8))
        .containsExactly(VALID);
    List<JsonNode> letters = log.deadLetters();
    assertThat(letters).hasSize(2);
    JsonNode missing = letters.get(0);
    assertThat(missing.get("reason").asText()).isEqualTo("invalid");
    assertThat(missing.get("error").asText()).isEqualTo(batch.rejected().get(0).error());
    assertThat(missing.get("payload").asText()).isEqualTo("{}");
    assertThat(missing.get("stage").asText()).isEqualTo("ingest");
    assertThat(missing.get("line").asInt()).isEqualTo(2);
    assertThat(missing.get("ts").asText()).isEqualTo("2026-11-28T04:00:00Z");
    JsonNode binary = letters.get(1);
    assertThat(binary.get("line").asInt()).isEqualTo(3);
    assertThat(binary.get("error").asText()).isEqualTo("not valid UTF-8 (payload in Base64)");
    assertThat(binary.get("payload").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(notUtf8));
  }

  @Test
  void aRequestWithoutAValidLineIsA400OnlyOnceItsDeadLettersAreWritten() {
    byte[] body =
        lines("{}".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> service.ingest(new ByteArrayInputStream(body), -1))
        .isInstanceOfSatisfying(
            NoValidEventsException.class, e -> assertThat(e.rejectedCount()).isEqualTo(2));
    assertThat(log.events()).isEmpty();
    assertThat(log.deadLetters()).extracting(l -> l.get("line").asInt()).containsExactly(1, 2);
  }

  @Test
  void anEmptyRequestWritesNothing() {
    assertThatThrownBy(
            () ->
                service.ingest(
                    new ByteArrayInputStream("\n\n".getBytes(StandardCharsets.UTF_8)), -1))
        .isInstanceOf(NoValidEventsException.class);
    assertThat(log.appends).isEmpty();
  }

  @Test
  void everyRefusedLineIsDeadLetteredEvenBeyondTheListedThousand() throws Exception {
    byte[] body = ("x\n".repeat(2500) + VALID + "\n").getBytes(StandardCharsets.UTF_8);
    EventBatch batch = service.ingest(new ByteArrayInputStream(body), body.length);
    assertThat(batch.rejected()).hasSize(EventBatchReader.MAX_LISTED_REJECTIONS);
    assertThat(log.deadLetters()).hasSize(2500);
  }

  @Test
  void aLongLineIsDeadLetteredWithItsPayloadCut() throws Exception {
    String longLine = "{\"id\":\"" + "x".repeat(1 << 20) + "\"}";
    byte[] body =
        lines(longLine.getBytes(StandardCharsets.UTF_8), VALID.getBytes(StandardCharsets.UTF_8));
    service.ingest(new ByteArrayInputStream(body), body.length);
    JsonNode letter = log.deadLetters().get(0);
    assertThat(letter.get("error").asText()).isEqualTo("event is larger than 16384 bytes");
    assertThat(letter.get("payload").asText())
        .isEqualTo(longLine.substring(0, DeadLetterJson.MAX_PAYLOAD_CHARS));
    assertThat(letter.get("payloadTruncated").asBoolean()).isTrue();
    assertThat(letter.get("payloadLength").asInt()).isEqualTo(longLine.length());
  }

  @Test
  void aBodyAnnouncedAsTooLargeIsDeadLetteredWithoutReadingIt() {
    EventBatchReaderTest.CountingStream body = new EventBatchReaderTest.CountingStream();
    assertThatThrownBy(() -> service.ingest(body, EventBatchReader.MAX_BODY_BYTES + 1L))
        .isInstanceOf(PayloadTooLargeException.class);
    // The client may wait for an answer before sending the body: nothing is read.
    assertThat(body.served).isZero();
    assertTooLargeLetter("");
  }

  @Test
  void aBodyFoundTooLargeWhileReadingIsDeadLetteredByItsBeginning() {
    byte[] body = new byte[EventBatchReader.MAX_BODY_BYTES + 10];
    Arrays.fill(body, (byte) 'a');
    assertThatThrownBy(() -> service.ingest(new ByteArrayInputStream(body), -1))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThat(log.events()).isEmpty();
    assertTooLargeLetter("a".repeat(PayloadTooLargeException.HEAD_BYTES));
  }

  private void assertTooLargeLetter(String payload) {
    assertThat(log.deadLetters()).hasSize(1);
    JsonNode letter = log.deadLetters().get(0);
    assertThat(letter.get("error").asText()).isEqualTo("request body larger than 5242880 bytes");
    assertThat(letter.get("payload").asText()).isEqualTo(payload);
    assertThat(letter.get("payloadTruncated").asBoolean()).isTrue();
    assertThat(letter.get("stage").asText()).isEqualTo("ingest");
    assertThat(letter.has("line")).isFalse();
  }

  @Test
  void whenTheLogCannotTakeTheDeadLettersTheRequestFailsAsForEvents() {
    IngestService failing =
        new IngestService(
            (events, deadLetters) -> {
              throw new LogUnavailableException("the event log failed to store them", 1, null);
            },
            IngestAdmission.unlimited(),
            CLOCK);
    byte[] body = lines("{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> failing.ingest(new ByteArrayInputStream(body), -1))
        .isInstanceOf(LogUnavailableException.class);
  }

  @Test
  void overTheLimitARequestIsRefusedWholeAndNothingOfItIsWritten() throws Exception {
    AtomicLong nanos = new AtomicLong();
    IngestService limited =
        new IngestService(log, IngestAdmission.limited(2, 3, nanos::get), CLOCK);
    byte[] threeLines =
        lines(
            VALID.getBytes(StandardCharsets.UTF_8),
            VALID.replace("\"a\"", "\"b\"").getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8));
    limited.ingest(new ByteArrayInputStream(threeLines), -1);
    assertThat(log.appends).hasSize(1);

    // Invalid lines count too: each is a record on the dead-letter topic.
    assertThatThrownBy(() -> limited.ingest(new ByteArrayInputStream(threeLines), -1))
        .isInstanceOfSatisfying(
            IngestRateLimitedException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(2));
    assertThat(log.appends).hasSize(1);

    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500));
    limited.ingest(new ByteArrayInputStream(threeLines), -1);
    assertThat(log.appends).hasSize(2);
  }

  @Test
  void metersCountWhatTheLogTookAndNothingOfWhatItRefused() throws Exception {
    MetricRegistry metrics = new MetricRegistry();
    byte[] body =
        lines(
            VALID.getBytes(StandardCharsets.UTF_8),
            VALID.replace("\"a\"", "\"b\"").getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8));
    new IngestService(log, IngestAdmission.unlimited(), CLOCK, metrics)
        .ingest(new ByteArrayInputStream(body), -1);
    assertThatThrownBy(
            () ->
                new IngestService(log, IngestAdmission.unlimited(), CLOCK, metrics)
                    .ingest(new EventBatchReaderTest.CountingStream(), Long.MAX_VALUE))
        .isInstanceOf(PayloadTooLargeException.class);
    // A log that fails: nothing of the request is counted, it was not taken.
    IngestService failing =
        new IngestService(
            (events, deadLetters) -> {
              throw new LogUnavailableException("the event log failed to store them", 1, null);
            },
            IngestAdmission.unlimited(),
            CLOCK,
            metrics);
    assertThatThrownBy(() -> failing.ingest(new ByteArrayInputStream(body), -1))
        .isInstanceOf(LogUnavailableException.class);

    assertThat(metrics.meter(IngestService.ACCEPTED).getCount()).isEqualTo(2);
    // The invalid line and the body too large, each under its reason.
    assertThat(metrics.meter("io.tally.ingest.refused.invalid").getCount()).isEqualTo(1);
    assertThat(metrics.meter("io.tally.ingest.refused.tooLarge").getCount()).isEqualTo(1);
    assertThat(metrics.meter(IngestService.DEAD_LETTERS).getCount()).isEqualTo(2);
  }

  private static byte[] lines(byte[]... lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      out.writeBytes(line);
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static final class RecordingLog implements EventLog {
    final List<Append> appends = new ArrayList<>();

    record Append(List<AcceptedEvent> events, List<byte[]> deadLetters) {}

    @Override
    public void append(List<AcceptedEvent> events, List<byte[]> deadLetters) {
      appends.add(new Append(events, deadLetters));
    }

    List<AcceptedEvent> events() {
      return appends.stream().flatMap(a -> a.events().stream()).toList();
    }

    List<JsonNode> deadLetters() {
      return appends.stream()
          .flatMap(a -> a.deadLetters().stream())
          .map(
              bytes -> {
                try {
                  return JSON.readTree(bytes);
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              })
          .toList();
    }
  }

  @Test
  void refusedLinesAreCountedByReasonInTheMetricRegistry() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    AtomicLong nanos = new AtomicLong();
    IngestService counted =
        new IngestService(log, IngestAdmission.limited(1, 4, nanos::get), CLOCK, registry);
    byte[] oneValidTwoInvalid =
        lines(
            VALID.getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8),
            "x".getBytes(StandardCharsets.UTF_8));

    counted.ingest(new ByteArrayInputStream(oneValidTwoInvalid), -1);
    assertThat(count(registry, "invalid")).isEqualTo(2);

    // The bucket has one line left: the next request of three is refused whole, all its lines.
    assertThatThrownBy(() -> counted.ingest(new ByteArrayInputStream(oneValidTwoInvalid), -1))
        .isInstanceOf(IngestRateLimitedException.class);
    assertThat(count(registry, "rateLimited")).isEqualTo(3);
    assertThat(count(registry, "invalid")).as("refused whole, not line by line").isEqualTo(2);

    assertThatThrownBy(
            () ->
                counted.ingest(
                    new ByteArrayInputStream(new byte[0]), EventBatchReader.MAX_BODY_BYTES + 1))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThat(count(registry, "tooLarge")).isEqualTo(1);

    IngestService down =
        new IngestService(
            (events, deadLetters) -> {
              throw new LogUnavailableException("the event log failed to store them", 1, null);
            },
            IngestAdmission.unlimited(),
            CLOCK,
            registry);
    assertThatThrownBy(() -> down.ingest(new ByteArrayInputStream(oneValidTwoInvalid), -1))
        .isInstanceOf(LogUnavailableException.class);
    assertThat(count(registry, "logUnavailable")).isEqualTo(3);

    IngestService disabled =
        new IngestService(EventLog.none(), IngestAdmission.unlimited(), CLOCK, registry);
    assertThatThrownBy(() -> disabled.ingest(new ByteArrayInputStream(oneValidTwoInvalid), -1))
        .isInstanceOf(IngestDisabledException.class);
    assertThat(count(registry, "disabled")).isEqualTo(1);

    assertThat(count(registry, "logOverloaded")).isZero();
    assertThat(count(registry, "invalid")).isEqualTo(2);
  }

  private static long count(MetricRegistry registry, String reason) {
    Meter meter = registry.getMeters().get("io.tally.ingest.refused." + reason);
    assertThat(meter).as(reason).isNotNull();
    return meter.getCount();
  }
}
