package io.tally.model.deadletter;

import io.tally.model.codec.Utf8;
import java.io.Serializable;
import java.nio.charset.CharacterCodingException;
import java.util.Base64;

/**
 * A record the pipeline did not count, with the reason. Nothing is dropped silently: every invalid
 * input and every event too late for a window ends up as one of these.
 *
 * @param reason why it was not counted
 * @param detail a sentence for people: which rule, which metric and window
 * @param payload the record as received for invalid input; the event's identity for late events
 * @param timestampMillis when it was judged (event time where known)
 */
public record DeadLetter(Reason reason, String detail, String payload, long timestampMillis)
    implements Serializable {

  /**
   * The dead letter of an invalid record received as bytes: its text as the payload, or, when it is
   * not UTF-8 (so cannot be text), its bytes in Base64, which the error then says.
   */
  public static DeadLetter invalid(byte[] record, String error, long timestampMillis) {
    try {
      return new DeadLetter(Reason.INVALID, error, Utf8.decode(record), timestampMillis);
    } catch (CharacterCodingException e) {
      return new DeadLetter(
          Reason.INVALID,
          error + " (payload in Base64)",
          Base64.getEncoder().encodeToString(record),
          timestampMillis);
    }
  }

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
