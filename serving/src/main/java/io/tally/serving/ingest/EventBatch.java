package io.tally.serving.ingest;

import java.util.List;

/** The lines of one ingest request, sorted into valid events and refused lines. */
public record EventBatch(List<AcceptedEvent> accepted, List<RefusedLine> refused) {
  public EventBatch {
    accepted = List.copyOf(accepted);
    refused = List.copyOf(refused);
  }

  /**
   * The first {@link EventBatchReader#MAX_LISTED_REJECTIONS} refused lines, as the answer lists
   * them.
   */
  public List<Rejection> rejected() {
    return refused.stream()
        .limit(EventBatchReader.MAX_LISTED_REJECTIONS)
        .map(r -> new Rejection(r.line(), r.error()))
        .toList();
  }

  /** Every refused line, listed or not. */
  public int rejectedCount() {
    return refused.size();
  }
}
