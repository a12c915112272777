package io.tally.tiering.rules;

/** The rule log could not take or confirm a change; the change may or may not be in it. */
public final class RuleLogUnavailableException extends RuntimeException {
  public RuleLogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
