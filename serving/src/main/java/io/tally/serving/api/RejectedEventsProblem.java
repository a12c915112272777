package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.serving.ingest.Rejection;
import java.util.List;

/**
 * A {@link Problem} with the extension members of an ingest request that had no valid event: the
 * same {@code rejected} list (and {@code rejectedCount}) as a 202 answer would carry.
 */
@JsonPropertyOrder({"type", "title", "status", "detail", "rejected", "rejectedCount"})
public record RejectedEventsProblem(
    String type,
    String title,
    int status,
    String detail,
    List<Rejection> rejected,
    int rejectedCount) {
  public RejectedEventsProblem {
    rejected = List.copyOf(rejected);
  }
}
