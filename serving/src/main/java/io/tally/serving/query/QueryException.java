package io.tally.serving.query;

/**
 * A query that cannot be answered as asked. Core code knows nothing of HTTP; the mappers in {@code
 * io.tally.serving.errors} turn each kind into its problem response.
 */
public abstract class QueryException extends RuntimeException {
  protected QueryException(String message) {
    super(message);
  }
}
