package io.tally.serving.query;

import io.tally.model.update.IsoInstants;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time syntax of the query API: RFC 3339 with an offset ({@code 2026-11-27T21:00:00Z}, {@code
 * 2026-11-27T22:00:00.250+01:00}) or integer epoch milliseconds ({@code 1795813200000}).
 *
 * <p>Lenient in two ways users hit in practice: a lower-case {@code t}/{@code z} or a space between
 * date and time (both allowed by RFC 3339 §5.6), and a {@code +} offset that an unencoded query
 * string turned into a space ({@code ...T22:00:00 01:00}).
 */
public final class Timestamps {
  /** The RFC 3339 range, years 0000 to 9999; also keeps every difference of two times in a long. */
  public static final long MIN_MILLIS = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();

  public static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

  private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,15}");
  private static final Pattern RFC_3339 =
      Pattern.compile(
          "(\\d{4}-\\d{2}-\\d{2})[Tt ](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)([Zz]|[+\\- ]\\d{2}:\\d{2})");
  private static final String EXPECTED =
      "must be RFC 3339 with an offset (e.g. 2026-11-27T21:00:00Z) or epoch milliseconds";

  private Timestamps() {}

  /**
   * Returns epoch milliseconds (sub-millisecond digits are truncated), or throws an {@link
   * IllegalArgumentException} whose message is fit for a user.
   */
  public static long parseMillis(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("required; " + EXPECTED);
    }
    String trimmed = text.strip();
    long millis;
    if (EPOCH_MILLIS.matcher(trimmed).matches()) {
      millis = Long.parseLong(trimmed);
    } else {
      Matcher m = RFC_3339.matcher(trimmed);
      if (!m.matches()) {
        throw new IllegalArgumentException(EXPECTED + ", not '" + shorten(text) + "'");
      }
      String offset = m.group(3);
      if (offset.equalsIgnoreCase("z")) {
        offset = "Z";
      } else if (offset.charAt(0) == ' ') {
        offset = "+" + offset.substring(1);
      }
      try {
        millis =
            OffsetDateTime.parse(
                    m.group(1) + "T" + m.group(2) + offset, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new IllegalArgumentException(
            "'" + shorten(text) + "' is not a valid date and time", e);
      }
    }
    if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
      throw new IllegalArgumentException(
          "must be between years 0000 and 9999, not '" + shorten(text) + "'");
    }
    return millis;
  }

  /** RFC 3339 in UTC, with milliseconds only when there are some: {@code 2026-11-27T21:00:00Z}. */
  public static String format(long millis) {
    return IsoInstants.format(millis);
  }

  private static String shorten(String text) {
    return text.length() <= 64 ? text : text.substring(0, 61) + "...";
  }
}
