package io.tally.serving.rules;

/** A rule change that was not made; the mappers turn each kind into its problem response. */
public abstract class RuleException extends RuntimeException {
  protected RuleException(String message) {
    super(message);
  }
}
