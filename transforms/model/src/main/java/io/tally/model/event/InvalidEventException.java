package io.tally.model.event;

/** An input record that breaks a rule of the event contract; the message says which one. */
public final class InvalidEventException extends Exception {
  public InvalidEventException(String message) {
    super(message, null, false, false);
  }
}
