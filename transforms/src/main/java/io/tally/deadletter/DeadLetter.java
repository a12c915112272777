package io.tally.deadletter;

import java.io.Serializable;

/**
 * A record the pipeline did not count, with the reason. Nothing is dropped silently: every
 * invalid input and every event too late for a window ends up as one of these.
 *
 * @param reason  why it was not counted
 * @param detail  a sentence for people: which rule, which metric and window
 * @param payload the record as received for invalid input; the event's identity for late events
 * @param timestampMillis when it was judged (event time where known)
 */
public record DeadLetter(Reason reason, String detail, String payload, long timestampMillis)
    implements Serializable {

  public enum Reason {
    /** Breaks a rule of the event contract. */
    INVALID,
    /** Later than its metric's allowed lateness for a window. */
    LATE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
