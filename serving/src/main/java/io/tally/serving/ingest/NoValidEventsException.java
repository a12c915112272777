package io.tally.serving.ingest;

import java.util.List;

/** A request without a single valid event (HTTP 400, listing why each line was rejected). */
public final class NoValidEventsException extends IngestException {
  private final EventBatch batch;

  public NoValidEventsException(EventBatch batch) {
    super(
        batch.rejectedCount() == 0
            ? "The request has no events: send one JSON object per line."
            : "None of the " + batch.rejectedCount() + " events is valid; nothing was accepted.");
    this.batch = batch;
  }

  public List<Rejection> rejected() {
    return batch.rejected();
  }

  public int rejectedCount() {
    return batch.rejectedCount();
  }
}
