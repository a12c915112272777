package io.tally.serving.core;

import java.util.List;

/**
 * The lines of one ingest request, sorted into valid events and rejections.
 *
 * @param rejected      the first {@link EventBatchReader#MAX_LISTED_REJECTIONS} rejections
 * @param rejectedCount every rejection, listed or not
 */
public record EventBatch(List<AcceptedEvent> accepted, List<Rejection> rejected, int rejectedCount) {
  public EventBatch {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }
}
