package io.tally.model.event;

import io.tally.model.codec.JsonBytes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract's JSON of a validated event, in one canonical form: fields in a fixed order, the
 * time as epoch milliseconds, absent optional fields left out, attributes sorted by key. {@link
 * EventParser#parse(String)} reads it back to an equal event, which is what lets archived events be
 * replayed through the same pipeline that accepted them.
 *
 * <p>Written as UTF-8 bytes ({@link JsonBytes}), the same text Jackson's generator writes: the
 * archive writes one per event the job accepts, where a generator per event cost the archive's
 * writer more than half of its time.
 */
public final class EventJson {
  private EventJson() {}

  public static String write(Event event) {
    JsonBytes json = new JsonBytes(256);
    writeTo(event, json);
    return new String(json.array(), 0, json.size(), StandardCharsets.UTF_8);
  }

  /** Appends the event's JSON to {@code json}. */
  public static void writeTo(Event event, JsonBytes json) {
    json.raw("{\"id\":").string(event.id());
    json.raw(",\"source\":").string(event.source());
    json.raw(",\"type\":").string(event.type());
    json.raw(",\"category\":").string(event.category());
    json.raw(",\"ts\":").number(event.timestampMillis());
    writeOptional(json, ",\"geo\":", event.geo());
    writeOptional(json, ",\"entity\":", event.entity());
    writeOptional(json, ",\"user\":", event.user());
    json.raw(",\"value\":").number(event.value());
    if (!event.attrs().isEmpty()) {
      json.raw(",\"attrs\":{");
      boolean first = true;
      for (Map.Entry<String, String> attr : new TreeMap<>(event.attrs()).entrySet()) {
        if (!first) {
          json.raw(',');
        }
        json.string(attr.getKey()).raw(':').string(attr.getValue());
        first = false;
      }
      json.raw('}');
    }
    json.raw('}');
  }

  private static void writeOptional(JsonBytes json, String field, String value) {
    if (value != null) {
      json.raw(field).string(value);
    }
  }
}
