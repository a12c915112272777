package io.tally.serving.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Objects;

/**
 * A saved live query (contract §4): the metric and the dimension values its groups must have.
 * {@code owner} is the name of the credential that saved it, kept with it so that the cap on saved
 * queries per credential outlasts restarts; it is null for queries saved before owners were kept,
 * and left out of answers ({@link #withoutOwner}).
 */
@JsonPropertyOrder({"id", "metric", "where", "owner"})
public record SavedQuery(
    String id,
    String metric,
    Map<String, String> where,
    @JsonInclude(JsonInclude.Include.NON_NULL) String owner) {
  public SavedQuery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(metric, "metric");
    where = where == null ? Map.of() : Map.copyOf(where);
  }

  public SavedQuery(String id, String metric, Map<String, String> where) {
    this(id, metric, where, null);
  }

  /** What a client is answered: the query, not which credential saved it. */
  public SavedQuery withoutOwner() {
    return new SavedQuery(id, metric, where, null);
  }
}
