package io.tally.model.event;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * Reads an RFC 3339 timestamp ({@code 2026-12-03T17:04:05.123+01:00}: seconds required, an optional
 * fraction of up to nine digits, an offset of hours and minutes or {@code Z}) as epoch
 * milliseconds.
 *
 * <p>It runs once per ingested event that carries a textual {@code ts}. {@code java.time}'s
 * formatter allocates a parse context, a field map and several temporal objects per call, a
 * noticeable share of the streaming job's allocation; this reads the common shape by position
 * without allocating. Anything that is not plainly within range in that shape (a year of more than
 * four digits, an hour of 24, a leap second, an offset beyond 17:59 ...) is handed to the {@code
 * java.time} formatter, so that what is accepted, its value, and the error for what is refused stay
 * exactly the formatter's.
 */
public final class Rfc3339 {

  /** The definition of what is accepted; also the reader of every unusual shape. */
  static final DateTimeFormatter FORMATTER =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private Rfc3339() {}

  /**
   * The instant {@code text} names, in milliseconds since the epoch (a fraction below a millisecond
   * is dropped, as {@link java.time.Instant#toEpochMilli} does).
   *
   * @throws DateTimeParseException when {@code text} is not an RFC 3339 timestamp with an offset
   * @throws ArithmeticException when the instant does not fit in a long of milliseconds
   */
  public static long toEpochMillis(String text) {
    long millis = fast(text);
    if (millis != UNUSUAL) {
      return millis;
    }
    return OffsetDateTime.parse(text, FORMATTER).toInstant().toEpochMilli();
  }

  /** Marks a text that the positional reader leaves to the formatter. */
  private static final long UNUSUAL = Long.MIN_VALUE;

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)}, by position; {@link #UNUSUAL} otherwise. */
  private static long fast(String s) {
    int length = s.length();
    if (length < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || (s.charAt(10) != 'T' && s.charAt(10) != 't')
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return UNUSUAL;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
      return UNUSUAL;
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return UNUSUAL;
    }
    int at = 19;
    int millis = 0;
    if (s.charAt(at) == '.') {
      int start = ++at;
      while (at < length && isDigit(s.charAt(at))) {
        if (at - start < 3) {
          millis = millis * 10 + (s.charAt(at) - '0');
        }
        at++;
      }
      int fractionDigits = at - start;
      if (fractionDigits < 1 || fractionDigits > 9) {
        return UNUSUAL;
      }
      for (int i = fractionDigits; i < 3; i++) {
        millis *= 10;
      }
    }
    int offsetSeconds;
    if (at == length - 1 && (s.charAt(at) == 'Z' || s.charAt(at) == 'z')) {
      offsetSeconds = 0;
    } else if (at == length - 6
        && (s.charAt(at) == '+' || s.charAt(at) == '-')
        && s.charAt(at + 3) == ':') {
      int offsetHours = digits(s, at + 1, 2);
      int offsetMinutes = digits(s, at + 4, 2);
      if (offsetHours < 0 || offsetHours > 17 || offsetMinutes < 0 || offsetMinutes > 59) {
        return UNUSUAL;
      }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(at) == '-' ? -1 : 1);
    } else {
      return UNUSUAL;
    }
    long epochSeconds =
        epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return epochSeconds * 1000 + millis;
  }

  /** The value of {@code count} decimal digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int daysIn(int year, int month) {
    if (month == 2 && isLeap(year)) {
      return 29;
    }
    return DAYS_IN_MONTH[month - 1];
  }

  private static boolean isLeap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  /** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400;
    int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468;
  }
}
