package io.tally.model.metric;

import io.tally.model.event.Event;
import java.io.Serializable;

/**
 * A field that a metric groups by: {@code category}, {@code type}, {@code source}, {@code geo},
 * {@code entity}, or {@code attrs.<key>}. A missing value groups under the empty string.
 */
public record Dimension(String name) implements Serializable {
  private static final String ATTRS_PREFIX = "attrs.";

  public Dimension {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "must be category, type, source, geo, entity or attrs.<key>, not '" + name + "'");
    }
  }

  public static boolean isValid(String name) {
    if (name == null) {
      return false;
    }
    return switch (name) {
      case "category", "type", "source", "geo", "entity" -> true;
      default -> name.startsWith(ATTRS_PREFIX) && name.length() > ATTRS_PREFIX.length();
    };
  }

  public String valueOf(Event event) {
    String value =
        switch (name) {
          case "category" -> event.category();
          case "type" -> event.type();
          case "source" -> event.source();
          case "geo" -> event.geo();
          case "entity" -> event.entity();
          default -> event.attrs().get(name.substring(ATTRS_PREFIX.length()));
        };
    return value == null ? "" : value;
  }
}
