package io.tally.serving.core;

/** A request body over the limit (HTTP 413). */
public final class PayloadTooLargeException extends IngestException {
  public PayloadTooLargeException(long limitBytes) {
    super("A request may carry at most " + limitBytes + " bytes (5 MiB) of events; split the batch.");
  }
}
