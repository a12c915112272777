package io.tally.serving.query;

/** A missing, malformed or disallowed query parameter (HTTP 400). */
public final class InvalidQueryException extends QueryException {
  private final String parameter;

  public InvalidQueryException(String parameter, String message) {
    super("'" + parameter + "' " + message);
    this.parameter = parameter;
  }

  /** The query parameter at fault. */
  public String parameter() {
    return parameter;
  }
}
