package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.serving.ingest.EventBatch;
import io.tally.serving.ingest.Rejection;
import java.util.List;

/**
 * The 202 answer of {@code POST /v1/events}: every accepted event is in the log. {@code
 * rejectedCount} (an extension of the contract) counts every rejected line; {@code rejected} lists
 * at most the first 1000 of them.
 */
@JsonPropertyOrder({"accepted", "rejected", "rejectedCount"})
public record IngestResult(int accepted, List<Rejection> rejected, int rejectedCount) {
  public IngestResult {
    rejected = List.copyOf(rejected);
  }

  public static IngestResult of(EventBatch batch) {
    return new IngestResult(batch.accepted().size(), batch.rejected(), batch.rejectedCount());
  }
}
