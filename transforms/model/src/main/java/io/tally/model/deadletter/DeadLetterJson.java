package io.tally.model.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.event.EventParser;
import java.time.Instant;

/**
 * A dead letter as it is published on the dead-letter topic, whoever refused the record: one JSON
 * object with {@code reason} ({@code invalid} or {@code late}), {@code error}, {@code payload} (the
 * record as received, or the identity of a late event), {@code ts}, and {@code stage}: which part
 * of Tally refused it ({@link Stage}).
 *
 * <p>A payload longer than {@link #MAX_PAYLOAD_CHARS} is cut to that many characters, with {@code
 * payloadTruncated: true} and its full {@code payloadLength}: a record as large as the events topic
 * accepts (megabytes) must still fit in a dead letter, or writing it would fail. Such a record is
 * invalid for its size alone, so its beginning is enough to find it.
 */
public final class DeadLetterJson {
  /** Four times the largest valid event; with JSON escaping still far below 1 MB per record. */
  public static final int MAX_PAYLOAD_CHARS = 4 * EventParser.MAX_EVENT_BYTES;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a record was refused. */
  public enum Stage {
    /** By {@code POST /v1/events}: the line never reached the events topic. */
    INGEST,
    /** By the pipeline, which read it from the events topic (invalid) or judged it late. */
    PIPELINE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private DeadLetterJson() {}

  /** The dead letter's fields; a caller may add its own before {@link #bytes} (never remove). */
  public static ObjectNode toNode(DeadLetter deadLetter, Stage stage) {
    ObjectNode json = JSON.createObjectNode();
    json.put("reason", deadLetter.reason().wireName());
    json.put("error", deadLetter.detail());
    String payload = deadLetter.payload();
    if (payload != null && payload.length() > MAX_PAYLOAD_CHARS) {
      json.put("payload", cut(payload));
      json.put("payloadTruncated", true);
      json.put("payloadLength", payload.length());
    } else {
      json.put("payload", payload);
    }
    json.put("ts", Instant.ofEpochMilli(deadLetter.timestampMillis()).toString());
    json.put("stage", stage.wireName());
    return json;
  }

  public static byte[] toJson(DeadLetter deadLetter, Stage stage) {
    return bytes(toNode(deadLetter, stage));
  }

  public static byte[] bytes(ObjectNode json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
    }
  }

  /** The first {@link #MAX_PAYLOAD_CHARS} characters, never between a surrogate pair's halves. */
  public static String cut(String payload) {
    if (payload.length() <= MAX_PAYLOAD_CHARS) {
      return payload;
    }
    int end =
        Character.isHighSurrogate(payload.charAt(MAX_PAYLOAD_CHARS - 1))
            ? MAX_PAYLOAD_CHARS - 1
            : MAX_PAYLOAD_CHARS;
    return payload.substring(0, end);
  }
}
