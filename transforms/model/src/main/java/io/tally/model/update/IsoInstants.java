package io.tally.model.update;

import java.time.Instant;

/**
 * Instants as RFC 3339 text in UTC, the way {@link Instant#toString} writes them, and back. Window
 * bounds repeat endlessly (every update of every group names the same few minutes), and formatting
 * or parsing one costs more than the rest of an update's JSON, so recent ones are remembered.
 */
public final class IsoInstants {
  private static final int SLOTS = 1024;

  private record Formatted(long millis, String text) {}

  /** Direct-mapped by second; a race only costs formatting the same instant twice. */
  private static final Formatted[] RECENT = new Formatted[SLOTS];

  /** Direct-mapped by the text's hash, for reading. */
  private static final Formatted[] RECENTLY_PARSED = new Formatted[SLOTS];

  private IsoInstants() {}

  /** {@code 2026-11-27T21:00:00Z}, with milliseconds only when there are some. */
  public static String format(long millis) {
    int slot = (int) Math.floorMod(Math.floorDiv(millis, 1_000L), (long) SLOTS);
    Formatted recent = RECENT[slot];
    if (recent != null && recent.millis == millis) {
      return recent.text;
    }
    String text = Instant.ofEpochMilli(millis).toString();
    RECENT[slot] = new Formatted(millis, text);
    return text;
  }

  /** What {@link Instant#parse} reads, in epoch milliseconds; throws as it does. */
  public static long parse(String text) {
    int slot = Math.floorMod(text.hashCode(), SLOTS);
    Formatted recent = RECENTLY_PARSED[slot];
    if (recent != null && recent.text.equals(text)) {
      return recent.millis;
    }
    long millis = Instant.parse(text).toEpochMilli();
    RECENTLY_PARSED[slot] = new Formatted(millis, text);
    return millis;
  }
}
