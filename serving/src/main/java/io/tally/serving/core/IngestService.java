package io.tally.serving.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * {@code POST /v1/events}: checks the size, validates every line, and writes the valid ones to
 * the log; answers only once the log has them all. Resources talk only to this service.
 */
public final class IngestService {
  private final EventLog log;

  public IngestService(EventLog log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * @param declaredLength the request's {@code Content-Length}, or -1 when it has none; a body
   *     announced as too large is refused before a byte of it is read
   * @return the batch, every accepted event of which is in the log
   */
  public EventBatch ingest(InputStream body, long declaredLength) throws IOException {
    log.checkAvailable();
    if (declaredLength > EventBatchReader.MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(EventBatchReader.MAX_BODY_BYTES);
    }
    EventBatch batch = EventBatchReader.read(body);
    if (batch.accepted().isEmpty()) {
      throw new NoValidEventsException(batch);
    }
    log.append(batch.accepted());
    return batch;
  }
}
