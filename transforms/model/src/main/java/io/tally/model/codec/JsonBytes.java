package io.tally.model.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * UTF-8 JSON text written straight into a byte array, for the change feed's records, the live
 * streams' messages and the archive's events: the job writes one per window update and one per
 * event, a serving node one per message, and a general-purpose generator cost more than the text
 * itself (a generator, its buffers and a thread-local lookup per record).
 *
 * <p>It writes what Jackson's generator writes for the same calls: strings escaped the same way
 * ({@code \"}, {@code \\}, the short escapes for backspace, tab, newline, form feed and carriage
 * return, a six-character {@code u00XX} escape for the other control characters, everything else as
 * UTF-8), numbers as {@link Long#toString} and {@link Double#toString} give them. Structure
 * (commas, colons) is the caller's: it has no state but the bytes.
 */
public final class JsonBytes {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private byte[] bytes;
  private int size;

  public JsonBytes(int capacity) {
    bytes = new byte[capacity];
  }

  /** A character that needs no escaping and is ASCII: structure, or text known to be plain. */
  public JsonBytes raw(char c) {
    ensure(1);
    bytes[size++] = (byte) c;
    return this;
  }

  /** ASCII text that needs no escaping, as it is: field names with their quotes, literals. */
  public JsonBytes raw(String ascii) {
    int length = ascii.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      bytes[size++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  /** {@code "text"}, escaped. */
  public JsonBytes string(String text) {
    int length = text.length();
    // At most 6 bytes per char (an escape); a surrogate pair's 4 bytes fit in its two chars' 12.
    ensure(length * 6 + 2);
    byte[] b = bytes;
    int at = size;
    b[at++] = '"';
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        b[at++] = (byte) c;
      } else if (c < 0x80) {
        at = escape(c, b, at);
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        b[at++] = (byte) (0xF0 | (cp >> 18));
        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // An unpaired half has no UTF-8 form; String.getBytes writes '?' too. Events cannot
        // carry one (the parser refuses them), so only a caller's own text could.
        b[at++] = '?';
      } else {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[at++] = '"';
    size = at;
    return this;
  }

  /** The digits of {@code n}, written in place: counts, versions and instants are most numbers. */
  public JsonBytes number(long n) {
    if (n == Long.MIN_VALUE) {
      return raw(Long.toString(n));
    }
    ensure(20);
    if (n < 0) {
      bytes[size++] = '-';
      n = -n;
    }
    int digits = 1;
    for (long rest = n / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int at = size + digits;
    size = at;
    do {
      bytes[--at] = (byte) ('0' + (int) (n % 10));
      n /= 10;
    } while (n > 0);
    return this;
  }

  public JsonBytes number(double d) {
    return raw(Double.toString(d));
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  /** Empties it, keeping its array, to write the next text. */
  public void reset() {
    size = 0;
  }

  public int size() {
    return size;
  }

  /** The array that holds the text, in its first {@link #size} bytes, until the next write. */
  public byte[] array() {
    return bytes;
  }

  private static int escape(char c, byte[] b, int at) {
    b[at++] = '\\';
    switch (c) {
      case '"' -> b[at++] = '"';
      case '\\' -> b[at++] = '\\';
      case '\b' -> b[at++] = 'b';
      case '\t' -> b[at++] = 't';
      case '\n' -> b[at++] = 'n';
      case '\f' -> b[at++] = 'f';
      case '\r' -> b[at++] = 'r';
      default -> {
        b[at++] = 'u';
        b[at++] = '0';
        b[at++] = '0';
        b[at++] = HEX[c >> 4];
        b[at++] = HEX[c & 0xF];
      }
    }
    return at;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
