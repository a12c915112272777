package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.query.Timestamps;
import io.tally.tiering.feed.WindowUpdateJson;
import java.util.Map;

/**
 * One window of one group, as the query API shows it. {@code version} (the definition version that
 * computed it) is an extension of the contract's window object.
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

  public static WindowView of(WindowUpdate update) {
    return new WindowView(
        Timestamps.format(update.startMillis()),
        Timestamps.format(update.endMillis()),
        update.groupMap(),
        WindowUpdateJson.value(update.fn(), update.value()),
        update.events(),
        update.isFinal(),
        update.version());
  }
}
