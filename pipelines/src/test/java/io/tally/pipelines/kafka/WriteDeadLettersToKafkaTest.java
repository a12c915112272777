package io.tally.pipelines.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.deadletter.DeadLetter;
import org.junit.jupiter.api.Test;

class WriteDeadLettersToKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX = WriteDeadLettersToKafka.MAX_PAYLOAD_CHARS;

  @Test
  void aPayloadIsKeptWholeUpToTheLimit() throws Exception {
    String payload = "{\"id\":\"" + "x".repeat(MAX - 9) + "\"}";
    assertThat(payload).hasSize(MAX);
    JsonNode letter = letter(payload);
    assertThat(letter.get("payload").asText()).isEqualTo(payload);
    assertThat(letter.has("payloadTruncated")).isFalse();
    assertThat(letter.get("reason").asText()).isEqualTo("invalid");
    assertThat(letter.get("error").asText()).isEqualTo("event is larger than 16384 bytes");
    assertThat(letter.get("ts").asText()).isEqualTo("2026-11-27T21:00:00Z");
  }

  @Test
  void aTenMegabytePayloadIsCutToItsBeginningWithItsLength() throws Exception {
    String payload = "{\"id\":\"" + "\u0001".repeat(10 * 1024 * 1024) + "\"}";
    byte[] bytes = WriteDeadLettersToKafka.ToJsonFn.toJson(deadLetter(payload));
    // Even with every character escaped (\\u0001, six bytes each), far below Kafka's 1 MB.
    assertThat(bytes.length).isLessThan(512 * 1024);
    JsonNode letter = JSON.readTree(bytes);
    assertThat(letter.get("payload").asText()).isEqualTo(payload.substring(0, MAX));
    assertThat(letter.get("payloadTruncated").asBoolean()).isTrue();
    assertThat(letter.get("payloadLength").asLong()).isEqualTo(payload.length());
  }

  @Test
  void theCutNeverSplitsASurrogatePair() throws Exception {
    String payload = "x".repeat(MAX - 1) + "\ud83d\ude00" + "tail";
    JsonNode letter = letter(payload);
    assertThat(letter.get("payload").asText()).isEqualTo("x".repeat(MAX - 1));
  }

  private static JsonNode letter(String payload) throws Exception {
    return JSON.readTree(WriteDeadLettersToKafka.ToJsonFn.toJson(deadLetter(payload)));
  }

  private static DeadLetter deadLetter(String payload) {
    return new DeadLetter(
        DeadLetter.Reason.INVALID, "event is larger than 16384 bytes", payload, 1_795_813_200_000L);
  }
}
