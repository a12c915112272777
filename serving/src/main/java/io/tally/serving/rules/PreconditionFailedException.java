package io.tally.serving.rules;

/** {@code If-Match} or {@code If-None-Match} did not hold (HTTP 412); nothing was changed. */
public final class PreconditionFailedException extends RuleException {
  public PreconditionFailedException(String message) {
    super(message);
  }
}
