package io.tally.serving.ingest;

/**
 * The broker did not acknowledge every event in time, or refused some (HTTP 503). Some events may
 * have been written nonetheless, which is why the detail tells the client to retry the whole
 * request: the pipeline de-duplicates events by {@code (source, id)}.
 */
public final class LogUnavailableException extends IngestException {
  private final long retryAfterSeconds;

  public LogUnavailableException(String why, long retryAfterSeconds, Throwable cause) {
    super(
        "The events were not accepted: "
            + why
            + ". Retry the whole request; events are"
            + " de-duplicated by (source, id), so a retry never counts one twice.",
        cause);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
