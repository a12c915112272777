package io.tally.model.event;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Reads the {@code ts} of a raw record in one pass over its bytes, for the shape producers send: a
 * flat object whose fields before {@code ts} have ASCII names and plain values.
 *
 * <p>The source runs this once per record, before the record is parsed, to timestamp it and advance
 * the watermark; creating a JSON parser for it cost as much as the parse itself. Whatever it is not
 * certain of (a nested value, a non-ASCII or escaped name, a repeated name, a fraction or exponent
 * in {@code ts}, anything malformed) it reports as {@link #UNSURE}, and {@link
 * EventParser#eventTime} asks the parser, which stays the definition of the answer.
 */
final class EventTimeScanner {
  /** No valid {@code ts}: the parser would find none either. */
  static final long NONE = -1;

  /** A shape this does not read: the parser must answer. */
  static final long UNSURE = -2;

  /** Fields before {@code ts} that are remembered to find a repeated name; more are unusual. */
  private static final int MAX_FIELDS_BEFORE_TS = 16;

  /** At most 18 decimal digits always fit in a long. */
  private static final int MAX_DIGITS = 18;

  /** Far below the parser's own limit on the length of a number, which this does not restate. */
  private static final int MAX_NUMBER_LENGTH = 64;

  private static final String[] LITERALS = {"true", "false", "null"};

  private EventTimeScanner() {}

  /** The event time in epoch milliseconds, {@link #NONE} or {@link #UNSURE}. */
  static long scan(byte[] b) {
    int i = skipSpace(b, 0);
    if (i >= b.length || b[i] != '{') {
      return UNSURE;
    }
    i = skipSpace(b, i + 1);
    if (i < b.length && b[i] == '}') {
      return NONE;
    }
    // The start and end of each name read so far, to refuse a repeated one as the parser does.
    int[] names = new int[2 * MAX_FIELDS_BEFORE_TS];
    for (int fields = 0; ; fields++) {
      if (i >= b.length || b[i] != '"' || fields == MAX_FIELDS_BEFORE_TS) {
        return UNSURE;
      }
      int start = i + 1;
      int end = plainStringEnd(b, start);
      if (end < 0 || repeats(b, names, fields, start, end)) {
        return UNSURE;
      }
      i = skipSpace(b, end + 1);
      if (i >= b.length || b[i] != ':') {
        return UNSURE;
      }
      i = skipSpace(b, i + 1);
      if (end - start == 2 && b[start] == 't' && b[start + 1] == 's') {
        return timestamp(b, i);
      }
      names[2 * fields] = start;
      names[2 * fields + 1] = end;
      i = skipScalar(b, i);
      if (i < 0) {
        return UNSURE;
      }
      i = skipSpace(b, i);
      if (i >= b.length) {
        return UNSURE;
      }
      if (b[i] == '}') {
        return NONE;
      }
      if (b[i] != ',') {
        return UNSURE;
      }
      i = skipSpace(b, i + 1);
    }
  }

  /** The value of {@code ts} at {@code i}, under the rules of {@code EventParser.timestamp}. */
  private static long timestamp(byte[] b, int i) {
    if (i >= b.length) {
      return UNSURE;
    }
    byte c = b[i];
    if (c >= '1' && c <= '9') {
      long millis = 0;
      int digits = 0;
      while (i < b.length && isDigit(b[i])) {
        if (++digits > MAX_DIGITS) {
          return UNSURE;
        }
        millis = millis * 10 + (b[i++] - '0');
      }
      if (i >= b.length || !isDelimiter(b[i])) {
        return UNSURE; // a fraction, an exponent, or something malformed
      }
      return millis <= EventParser.MAX_TIMESTAMP_MILLIS ? millis : NONE;
    }
    if (c == '"') {
      int end = plainStringEnd(b, i + 1);
      if (end < 0) {
        return UNSURE;
      }
      try {
        long millis =
            Rfc3339.toEpochMillis(new String(b, i + 1, end - i - 1, StandardCharsets.US_ASCII));
        return millis >= 0 && millis <= EventParser.MAX_TIMESTAMP_MILLIS ? millis : NONE;
      } catch (DateTimeParseException | ArithmeticException e) {
        return NONE;
      }
    }
    if (isLiteral(b, i, "null")) {
      return NONE;
    }
    return UNSURE;
  }

  /**
   * The index after the string, number or literal at {@code i}, or -1 for anything else (objects
   * and arrays included) or when it is not well-formed.
   */
  private static int skipScalar(byte[] b, int i) {
    if (i >= b.length) {
      return -1;
    }
    byte c = b[i];
    if (c == '"') {
      return escapedStringEnd(b, i + 1);
    }
    if (c == '-' || isDigit(c)) {
      return numberEnd(b, i);
    }
    for (String literal : LITERALS) {
      if (isLiteral(b, i, literal)) {
        return i + literal.length();
      }
    }
    return -1;
  }

  /**
   * The index of the closing quote of a string that starts at {@code i} and holds printable ASCII
   * without escapes, or -1.
   */
  private static int plainStringEnd(byte[] b, int i) {
    for (; i < b.length; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c < 0x20 || c == '\\' || c == 0x7F) { // negative bytes (non-ASCII) are < 0x20 too
        return -1;
      }
    }
    return -1;
  }

  /** The index after a string of printable ASCII and JSON escapes starting at {@code i}, or -1. */
  private static int escapedStringEnd(byte[] b, int i) {
    while (i < b.length) {
      byte c = b[i++];
      if (c == '"') {
        return i;
      }
      if (c < 0x20 || c == 0x7F) {
        return -1;
      }
      if (c == '\\') {
        if (i >= b.length) {
          return -1;
        }
        byte escaped = b[i++];
        if (escaped == 'u') {
          for (int end = i + 4; i < end; i++) {
            if (i >= b.length || Character.digit(b[i], 16) < 0) {
              return -1;
            }
          }
        } else if ("\"\\/bfnrt".indexOf(escaped) < 0) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The index after a JSON number starting at {@code i} and followed by a delimiter, or -1. */
  private static int numberEnd(byte[] b, int i) {
    int start = i;
    if (b[i] == '-') {
      i++;
    }
    if (i >= b.length || !isDigit(b[i])) {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else {
      i = digitsEnd(b, i);
    }
    if (i < b.length && b[i] == '.') {
      int fraction = ++i;
      i = digitsEnd(b, i);
      if (i == fraction) {
        return -1;
      }
    }
    if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < b.length && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int exponent = i;
      i = digitsEnd(b, i);
      if (i == exponent) {
        return -1;
      }
    }
    return i - start <= MAX_NUMBER_LENGTH && i < b.length && isDelimiter(b[i]) ? i : -1;
  }

  private static int digitsEnd(byte[] b, int i) {
    while (i < b.length && isDigit(b[i])) {
      i++;
    }
    return i;
  }

  /** {@code literal} at {@code i}, followed by a delimiter. */
  private static boolean isLiteral(byte[] b, int i, String literal) {
    int end = i + literal.length();
    if (end >= b.length) {
      return false;
    }
    for (int k = 0; k < literal.length(); k++) {
      if (b[i + k] != literal.charAt(k)) {
        return false;
      }
    }
    return isDelimiter(b[end]);
  }

  private static boolean repeats(byte[] b, int[] names, int count, int start, int end) {
    for (int n = 0; n < count; n++) {
      int from = names[2 * n];
      int to = names[2 * n + 1];
      if (to - from == end - start && Arrays.equals(b, from, to, b, start, end)) {
        return true;
      }
    }
    return false;
  }

  private static int skipSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isDelimiter(byte c) {
    return c == ',' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
