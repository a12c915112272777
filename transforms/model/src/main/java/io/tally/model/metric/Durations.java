package io.tally.model.metric;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration syntax of metric definitions: an integer and a unit, {@code ms s m h d}. */
public final class Durations {
  private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  private Durations() {}

  /** Returns the duration in milliseconds, or throws with a message fit for a user. */
  public static long parseMillis(String text) {
    Matcher m = text == null ? null : SYNTAX.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "must be a duration such as 500ms, 10s, 1m, 1h or 1d, not '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "ms" -> 1L;
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          default -> 86_400_000L;
        };
    try {
      return Math.multiplyExact(amount, unit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration '" + text + "' is too long");
    }
  }

  /** The shortest exact spelling, so that a definition reads back as it was written. */
  public static String format(long millis) {
    if (millis == 0) {
      return "0s";
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis % units[i] == 0) {
        return millis / units[i] + names[i];
      }
    }
    return millis + "ms";
  }
}
