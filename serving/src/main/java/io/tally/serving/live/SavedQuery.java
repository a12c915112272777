package io.tally.serving.live;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Objects;

/** A saved live query (contract §4): the metric and the dimension values its groups must have. */
@JsonPropertyOrder({"id", "metric", "where"})
public record SavedQuery(String id, String metric, Map<String, String> where) {
  public SavedQuery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(metric, "metric");
    where = where == null ? Map.of() : Map.copyOf(where);
  }
}
