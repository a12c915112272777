package io.tally.serving.ingest;

/** This deployment has no Kafka log to write events to (HTTP 503). */
public final class IngestDisabledException extends IngestException {
  public IngestDisabledException() {
    super("ingest needs a Kafka log; this deployment runs without one");
  }
}
