package io.tally.serving.ingest;

import io.tally.model.deadletter.DeadLetterJson;
import java.util.Arrays;

/** A request body over the limit (HTTP 413); its beginning goes to the dead-letter topic. */
public final class PayloadTooLargeException extends IngestException {
  /** As much of a refused body as its dead letter keeps. */
  public static final int HEAD_BYTES = DeadLetterJson.MAX_PAYLOAD_CHARS;

  private final transient byte[] head;

  /**
   * @param body what was read of the body (at least its beginning); only its head is kept
   */
  public PayloadTooLargeException(long limitBytes, byte[] body) {
    super(
        "A request may carry at most " + limitBytes + " bytes (5 MiB) of events; split the batch.");
    this.head = Arrays.copyOf(body, Math.min(body.length, HEAD_BYTES));
  }

  /** The first {@link #HEAD_BYTES} bytes of the body (fewer when less was read). */
  public byte[] head() {
    return head.clone();
  }
}
