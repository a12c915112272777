package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tally.aggregate.MetricValue;
import io.tally.metric.AggregateFunction;
import io.tally.serving.core.Timestamps;
import io.tally.update.WindowUpdate;
import java.util.Map;

/**
 * One window of one group, as the query API shows it. {@code version} (the definition version
 * that computed it) is an extension of the contract's window object.
 *
 * @param value a JSON integer for count and distinct, a number for sum and rate, and a list of
 *     {@code {key, count}} for topk
 */
@JsonPropertyOrder({"start", "end", "group", "value", "events", "final", "version"})
public record WindowView(
    String start,
    String end,
    Map<String, String> group,
    JsonNode value,
    long events,
    @JsonProperty("final") boolean isFinal,
    long version) {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  public static WindowView of(WindowUpdate update) {
    return new WindowView(
        Timestamps.format(update.startMillis()),
        Timestamps.format(update.endMillis()),
        update.groupMap(),
        value(update.fn(), update.value()),
        update.events(),
        update.isFinal(),
        update.version());
  }

  static JsonNode value(AggregateFunction fn, MetricValue value) {
    if (value instanceof MetricValue.Ranking ranking) {
      ArrayNode items = JSON.arrayNode(ranking.items().size());
      for (MetricValue.RankedItem item : ranking.items()) {
        items.addObject().put("key", item.key()).put("count", item.count());
      }
      return items;
    }
    if (value instanceof MetricValue.Scalar scalar) {
      double number = scalar.value();
      if (!Double.isFinite(number)) {
        return JSON.nullNode();
      }
      if (fn == AggregateFunction.COUNT || fn == AggregateFunction.DISTINCT) {
        return JSON.numberNode(Math.round(number));
      }
      return JSON.numberNode(number);
    }
    return JSON.nullNode();
  }
}
