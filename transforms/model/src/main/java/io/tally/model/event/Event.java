package io.tally.model.event;

import java.util.Map;
import java.util.Objects;

/**
 * One validated event, as defined by the public contract (§1). Instances are only made by {@link
 * EventParser} or by code that has checked the same rules, so downstream code may rely on every
 * invariant of the contract.
 *
 * @param geo ISO 3166-1 alpha-2 code, optionally with a subdivision; null when absent
 * @param entity the item that top-K ranks; null when absent
 * @param user the actor that distinct counts count; null when absent
 * @param attrs never null; empty when absent
 */
public record Event(
    String id,
    String source,
    String type,
    String category,
    long timestampMillis,
    String geo,
    String entity,
    String user,
    double value,
    Map<String, String> attrs) {

  public static final double DEFAULT_VALUE = 1.0;

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(category, "category");
    attrs = attrs == null ? Map.of() : attrs;
  }

  /** Two events with the same identity are the same event, whatever their other fields say. */
  public String identity() {
    return source + '\u0000' + id;
  }
}
