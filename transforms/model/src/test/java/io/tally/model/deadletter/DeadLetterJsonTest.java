package io.tally.model.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX = DeadLetterJson.MAX_PAYLOAD_CHARS;

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
    assertThat(letter.get("stage").asText()).isEqualTo("pipeline");
  }

  @Test
  void aTenMegabytePayloadIsCutToItsBeginningWithItsLength() throws Exception {
    String payload = "{\"id\":\"" + "\u0001".repeat(10 * 1024 * 1024) + "\"}";
    byte[] bytes = DeadLetterJson.toJson(deadLetter(payload), DeadLetterJson.Stage.PIPELINE);
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

  @Test
  void theStageSaysWhoRefusedTheRecord() throws Exception {
    JsonNode letter =
        JSON.readTree(DeadLetterJson.toJson(deadLetter("{}"), DeadLetterJson.Stage.INGEST));
    assertThat(letter.get("stage").asText()).isEqualTo("ingest");
  }

  @Test
  void aRecordThatIsNotUtf8IsCarriedInBase64AndTheErrorSaysSo() {
    byte[] record = {'{', (byte) 0xFF, '}'};
    DeadLetter letter = DeadLetter.invalid(record, "not valid UTF-8", 7L);
    assertThat(letter.payload()).isEqualTo(Base64.getEncoder().encodeToString(record));
    assertThat(letter.detail()).isEqualTo("not valid UTF-8 (payload in Base64)");

    DeadLetter text =
        DeadLetter.invalid("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "ts: required", 7L);
    assertThat(text.payload()).isEqualTo("{\"a\":1}");
    assertThat(text.detail()).isEqualTo("ts: required");
  }

  private static JsonNode letter(String payload) throws Exception {
    return JSON.readTree(DeadLetterJson.toJson(deadLetter(payload), DeadLetterJson.Stage.PIPELINE));
  }

  private static DeadLetter deadLetter(String payload) {
    return new DeadLetter(
        DeadLetter.Reason.INVALID, "event is larger than 16384 bytes", payload, 1_795_813_200_000L);
  }
}
