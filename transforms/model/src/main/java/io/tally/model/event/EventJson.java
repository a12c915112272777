package io.tally.model.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract's JSON of a validated event, in one canonical form: fields in a fixed order, the
 * time as epoch milliseconds, absent optional fields left out, attributes sorted by key. {@link
 * EventParser#parse(String)} reads it back to an equal event, which is what lets archived events be
 * replayed through the same pipeline that accepted them.
 */
public final class EventJson {
  private static final JsonFactory JSON = new JsonFactory();

  private EventJson() {}

  public static String write(Event event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", event.id());
      json.writeStringField("source", event.source());
      json.writeStringField("type", event.type());
      json.writeStringField("category", event.category());
      json.writeNumberField("ts", event.timestampMillis());
      writeOptional(json, "geo", event.geo());
      writeOptional(json, "entity", event.entity());
      writeOptional(json, "user", event.user());
      json.writeNumberField("value", event.value());
      if (!event.attrs().isEmpty()) {
        json.writeObjectFieldStart("attrs");
        for (Map.Entry<String, String> attr : new TreeMap<>(event.attrs()).entrySet()) {
          json.writeStringField(attr.getKey(), attr.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an event as JSON", e);
    }
    return out.toString();
  }

  private static void writeOptional(JsonGenerator json, String field, String value)
      throws IOException {
    if (value != null) {
      json.writeStringField(field, value);
    }
  }
}
