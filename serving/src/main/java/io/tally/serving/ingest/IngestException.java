package io.tally.serving.ingest;

/**
 * An ingest request that cannot be accepted as a whole. Core code knows nothing of HTTP; {@code
 * IngestExceptionMapper} turns each kind into its problem response.
 */
public abstract class IngestException extends RuntimeException {
  protected IngestException(String message) {
    super(message);
  }

  protected IngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
