package io.tally.tiering.feed;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.aggregate.MetricValue;
import io.tally.metric.AggregateFunction;
import io.tally.update.IsoInstants;
import io.tally.update.Timing;
import io.tally.update.WindowUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of a window update: the contract's window object (§3) plus {@code metric} — which
 * is what a live subscription sends (§4) — and the fields a reader needs to apply updates
 * monotonically and to rebuild them: {@code version}, {@code fn}, {@code timing}, {@code pane}.
 * The change feed carries it, so any consumer can read the feed without this code.
 */
public final class WindowUpdateJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private WindowUpdateJson() {}

  public static ObjectNode toJson(WindowUpdate u) {
    ObjectNode json = JSON.objectNode();
    json.put("metric", u.metric());
    json.put("version", u.version());
    json.put("fn", u.fn().wireName());
    json.put("start", IsoInstants.format(u.startMillis()));
    json.put("end", IsoInstants.format(u.endMillis()));
    ObjectNode group = json.putObject("group");
    for (Map.Entry<String, String> dimension : u.groupMap().entrySet()) {
      group.put(dimension.getKey(), dimension.getValue());
    }
    json.set("value", value(u.fn(), u.value()));
    json.put("events", u.events());
    json.put("final", u.isFinal());
    json.put("timing", u.timing().name().toLowerCase(Locale.ROOT));
    json.put("pane", u.paneIndex());
    return json;
  }

  /**
   * The same JSON as {@link #toJson}, written straight to bytes: the pipeline publishes one per
   * update, so it skips building a tree.
   */
  public static byte[] toBytes(WindowUpdate u) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("metric", u.metric());
      json.writeNumberField("version", u.version());
      json.writeStringField("fn", u.fn().wireName());
      json.writeStringField("start", IsoInstants.format(u.startMillis()));
      json.writeStringField("end", IsoInstants.format(u.endMillis()));
      json.writeObjectFieldStart("group");
      for (int i = 0; i < u.groupBy().size(); i++) {
        json.writeStringField(u.groupBy().get(i), u.group().get(i));
      }
      json.writeEndObject();
      json.writeFieldName("value");
      writeValue(json, u.fn(), u.value());
      json.writeNumberField("events", u.events());
      json.writeBooleanField("final", u.isFinal());
      json.writeStringField("timing", u.timing().name().toLowerCase(Locale.ROOT));
      json.writeNumberField("pane", u.paneIndex());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** What {@link #value} builds as a tree, written straight to {@code json}. */
  private static void writeValue(JsonGenerator json, AggregateFunction fn, MetricValue value)
      throws IOException {
    if (value instanceof MetricValue.Ranking ranking) {
      json.writeStartArray();
      for (MetricValue.RankedItem item : ranking.items()) {
        json.writeStartObject();
        json.writeStringField("key", item.key());
        json.writeNumberField("count", item.count());
        json.writeEndObject();
      }
      json.writeEndArray();
      return;
    }
    double number = ((MetricValue.Scalar) value).value();
    if (!Double.isFinite(number)) {
      json.writeNull();
    } else if (fn == AggregateFunction.COUNT || fn == AggregateFunction.DISTINCT) {
      json.writeNumber(Math.round(number));
    } else {
      json.writeNumber(number);
    }
  }

  /** Reads what {@link #toJson} wrote; the accumulator, never on the feed, is null. */
  public static WindowUpdate fromBytes(byte[] bytes) {
    JsonNode json;
    try {
      json = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a window update: " + e.getMessage(), e);
    }
    AggregateFunction fn = AggregateFunction.fromWireName(json.path("fn").asText());
    List<String> groupBy = new ArrayList<>();
    List<String> group = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.path("group").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> dimension = it.next();
      groupBy.add(dimension.getKey());
      group.add(dimension.getValue().asText());
    }
    return new WindowUpdate(
        json.path("metric").asText(),
        json.path("version").asLong(),
        fn,
        groupBy,
        group,
        Instant.parse(json.path("start").asText()).toEpochMilli(),
        Instant.parse(json.path("end").asText()).toEpochMilli(),
        readValue(json.path("value")),
        json.path("events").asLong(),
        Timing.valueOf(json.path("timing").asText().toUpperCase(Locale.ROOT)),
        json.path("final").asBoolean(),
        json.path("pane").asLong(),
        null);
  }

  /**
   * A window's value as the contract shows it: a JSON integer for count and distinct, a number
   * for sum and rate, a list of {@code {key, count}} for topk.
   */
  public static JsonNode value(AggregateFunction fn, MetricValue value) {
    if (value instanceof MetricValue.Ranking ranking) {
      ArrayNode items = JSON.arrayNode(ranking.items().size());
      for (MetricValue.RankedItem item : ranking.items()) {
        items.addObject().put("key", item.key()).put("count", item.count());
      }
      return items;
    }
    double number = ((MetricValue.Scalar) value).value();
    if (!Double.isFinite(number)) {
      return JSON.nullNode();
    }
    if (fn == AggregateFunction.COUNT || fn == AggregateFunction.DISTINCT) {
      return JSON.numberNode(Math.round(number));
    }
    return JSON.numberNode(number);
  }

  /** Reads a value written by {@link #value}. */
  public static MetricValue readValue(JsonNode value) {
    if (value.isArray()) {
      List<MetricValue.RankedItem> items = new ArrayList<>(value.size());
      for (JsonNode item : value) {
        items.add(new MetricValue.RankedItem(item.path("key").asText(), item.path("count").asLong()));
      }
      return new MetricValue.Ranking(items);
    }
    return new MetricValue.Scalar(value.isNumber() ? value.asDouble() : Double.NaN);
  }

  /**
   * The change feed's record key: one per window of a group of a metric version, so that a
   * compacted topic keeps each window's latest update.
   */
  public static byte[] key(WindowUpdate u) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (JsonGenerator key = MAPPER.getFactory().createGenerator(bytes)) {
      key.writeStartArray();
      key.writeString(u.metric());
      key.writeNumber(u.version());
      key.writeStartArray();
      for (String value : u.group()) {
        key.writeString(value);
      }
      key.writeEndArray();
      key.writeNumber(u.startMillis());
      key.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
