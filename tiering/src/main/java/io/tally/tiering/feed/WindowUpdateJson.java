package io.tally.tiering.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.codec.JsonBytes;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.IsoInstants;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a window update: the contract's window object (§3) plus {@code metric} — which
 * is what a live subscription sends (§4) — and the fields a reader needs to apply updates
 * monotonically and to rebuild them: {@code version}, {@code fn}, {@code timing}, {@code pane}. The
 * change feed carries it, so any consumer can read the feed without this code.
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
    json.put("timing", u.timing().wireName());
    json.put("pane", u.paneIndex());
    return json;
  }

  /**
   * The same JSON as {@link #toJson}, written straight to bytes: the pipeline publishes one per
   * update, so it skips building a tree.
   */
  public static byte[] toBytes(WindowUpdate u) {
    return toBytes(u, null);
  }

  /**
   * {@link #toBytes(WindowUpdate)} of a window that several definition versions computed together,
   * each over its own events: with {@code versions} (more than one), listed in {@code versions}.
   */
  public static byte[] toBytes(WindowUpdate u, List<Long> versions) {
    JsonBytes json = new JsonBytes(256);
    json.raw("{\"metric\":").string(u.metric());
    json.raw(",\"version\":").number(u.version());
    json.raw(",\"fn\":").string(u.fn().wireName());
    json.raw(",\"start\":").string(IsoInstants.format(u.startMillis()));
    json.raw(",\"end\":").string(IsoInstants.format(u.endMillis()));
    json.raw(",\"group\":{");
    for (int i = 0; i < u.groupBy().size(); i++) {
      if (i > 0) {
        json.raw(',');
      }
      json.string(u.groupBy().get(i)).raw(':').string(u.group().get(i));
    }
    json.raw("},\"value\":");
    writeValue(json, u.fn(), u.value());
    json.raw(",\"events\":").number(u.events());
    json.raw(",\"final\":").raw(u.isFinal() ? "true" : "false");
    json.raw(",\"timing\":").string(u.timing().wireName());
    json.raw(",\"pane\":").number(u.paneIndex());
    if (versions != null && versions.size() > 1) {
      json.raw(",\"versions\":[");
      for (int i = 0; i < versions.size(); i++) {
        if (i > 0) {
          json.raw(',');
        }
        json.number(versions.get(i));
      }
      json.raw(']');
    }
    return json.raw('}').toByteArray();
  }

  /** What {@link #value} builds as a tree, written straight to {@code json}. */
  private static void writeValue(JsonBytes json, AggregateFunction fn, MetricValue value) {
    if (value instanceof MetricValue.Ranking ranking) {
      json.raw('[');
      List<MetricValue.RankedItem> items = ranking.items();
      for (int i = 0; i < items.size(); i++) {
        MetricValue.RankedItem item = items.get(i);
        json.raw(i == 0 ? "{\"key\":" : ",{\"key\":").string(item.key());
        json.raw(",\"count\":").number(item.count()).raw('}');
      }
      json.raw(']');
      return;
    }
    double number = ((MetricValue.Scalar) value).value();
    if (!Double.isFinite(number)) {
      json.raw("null");
    } else if (fn == AggregateFunction.COUNT || fn == AggregateFunction.DISTINCT) {
      json.number(Math.round(number));
    } else {
      json.number(number);
    }
  }

  /**
   * Reads what {@link #toJson} wrote; the accumulator, never on the feed, is null. Fields it does
   * not know are skipped; missing ones read as empty, zero or false. It streams rather than
   * building a tree: every serving node reads every update of the change feed.
   */
  public static WindowUpdate fromBytes(byte[] bytes) {
    try (JsonParser json = MAPPER.getFactory().createParser(bytes)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a window update: not a JSON object");
      }
      String metric = "";
      long version = 0;
      String fn = "";
      List<String> groupBy = new ArrayList<>();
      List<String> group = new ArrayList<>();
      String start = "";
      String end = "";
      MetricValue value = new MetricValue.Scalar(Double.NaN);
      long events = 0;
      boolean isFinal = false;
      String timing = "";
      long pane = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken token = json.nextToken();
        switch (field) {
          case "metric" -> metric = text(json);
          case "version" -> version = number(json);
          case "fn" -> fn = text(json);
          case "start" -> start = text(json);
          case "end" -> end = text(json);
          case "events" -> events = number(json);
          case "final" -> isFinal = "true".equals(text(json));
          case "timing" -> timing = text(json);
          case "pane" -> pane = number(json);
          case "value" -> value = readValue(json);
          case "group" -> {
            groupBy.clear();
            group.clear();
            if (token == JsonToken.START_OBJECT) {
              while (json.nextToken() == JsonToken.FIELD_NAME) {
                groupBy.add(json.currentName());
                json.nextToken();
                group.add(text(json));
              }
            } else {
              json.skipChildren();
            }
          }
          default -> json.skipChildren();
        }
      }
      return new WindowUpdate(
          metric,
          version,
          AggregateFunction.fromWireName(fn),
          groupBy,
          group,
          IsoInstants.parse(start),
          IsoInstants.parse(end),
          value,
          events,
          Timing.fromWireName(timing),
          isFinal,
          pane,
          null);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a window update: " + e.getMessage(), e);
    }
  }

  /** A scalar's text, as a tree node's {@code asText} gives it; nested values read as empty. */
  private static String text(JsonParser json) throws IOException {
    JsonToken token = json.currentToken();
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      json.skipChildren();
      return "";
    }
    return token == JsonToken.VALUE_NULL ? "null" : json.getText();
  }

  /** A whole number, as a tree node's {@code asLong} gives it (numeric text too, else 0). */
  private static long number(JsonParser json) throws IOException {
    JsonToken token = json.currentToken();
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      json.skipChildren();
      return 0;
    }
    return json.getValueAsLong();
  }

  /** {@link #readValue(JsonNode)}, from a parser on the value's first token. */
  private static MetricValue readValue(JsonParser json) throws IOException {
    JsonToken token = json.currentToken();
    if (token == JsonToken.START_ARRAY) {
      List<MetricValue.RankedItem> items = new ArrayList<>();
      while (json.nextToken() != JsonToken.END_ARRAY) {
        if (json.currentToken() != JsonToken.START_OBJECT) {
          json.skipChildren();
          items.add(new MetricValue.RankedItem("", 0));
          continue;
        }
        String key = "";
        long count = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String field = json.currentName();
          json.nextToken();
          switch (field) {
            case "key" -> key = text(json);
            case "count" -> count = number(json);
            default -> json.skipChildren();
          }
        }
        items.add(new MetricValue.RankedItem(key, count));
      }
      return new MetricValue.Ranking(items);
    }
    if (token == JsonToken.START_OBJECT) {
      json.skipChildren();
    }
    return new MetricValue.Scalar(token.isNumeric() ? json.getValueAsDouble() : Double.NaN);
  }

  /**
   * A window's value as the contract shows it: a JSON integer for count and distinct, a number for
   * sum and rate, a list of {@code {key, count}} for topk.
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
        items.add(
            new MetricValue.RankedItem(item.path("key").asText(), item.path("count").asLong()));
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
    JsonBytes key = new JsonBytes(64);
    key.raw('[').string(u.metric()).raw(',').number(u.version()).raw(",[");
    for (int i = 0; i < u.group().size(); i++) {
      if (i > 0) {
        key.raw(',');
      }
      key.string(u.group().get(i));
    }
    return key.raw("],").number(u.startMillis()).raw(']').toByteArray();
  }
}
