package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.query.Timestamps;
import io.tally.tiering.feed.WindowUpdateJson;
import java.util.List;
import java.util.Map;

/**
 * One window of one group, as the query API shows it. {@code version} (the definition version that
 * computed it) is an extension of the contract's window object, and so is {@code versions}, present
 * when versions of the definition computed the window together (each over its own events).
 *
 * @param value a JSON integer for count and distinct, a number for sum and rate, and a list of
 *     {@code {key, count}} for topk
 */
@JsonPropertyOrder({"start", "end", "group", "value", "events", "final", "version", "versions"})
public record WindowView(
    String start,
    String end,
    Map<String, String> group,
    JsonNode value,
    long events,
    @JsonProperty("final") boolean isFinal,
    long version,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Long> versions) {

  public static WindowView of(WindowUpdate update) {
    return of(update, List.of(update.version()));
  }

  /**
   * {@code update}, which the definition {@code versions} computed together: with more than one,
   * {@code version} is the newest and {@code versions} lists them all.
   */
  public static WindowView of(WindowUpdate update, List<Long> versions) {
    return new WindowView(
        Timestamps.format(update.startMillis()),
        Timestamps.format(update.endMillis()),
        update.groupMap(),
        WindowUpdateJson.value(update.fn(), update.value()),
        update.events(),
        update.isFinal(),
        update.version(),
        versions.size() > 1 ? List.copyOf(versions) : null);
  }
}
