package io.tally.model.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads what a {@link ByteSink} wrote, from a byte array. */
public final class ByteSource {
  private final byte[] buf;
  private int pos;

  public ByteSource(byte[] buf) {
    this.buf = buf;
  }

  private void require(int n) {
    if (n < 0 || pos + n > buf.length) {
      throw new IllegalArgumentException(
          "truncated input: need " + n + " bytes at " + pos + " of " + buf.length);
    }
  }

  public byte readByte() {
    require(1);
    return buf[pos++];
  }

  public boolean readBoolean() {
    return readByte() != 0;
  }

  public int readInt() {
    require(4);
    int v =
        ((buf[pos] & 0xFF) << 24)
            | ((buf[pos + 1] & 0xFF) << 16)
            | ((buf[pos + 2] & 0xFF) << 8)
            | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  /** The next four bytes as {@link #readInt} reads them, without consuming them. */
  public int peekInt() {
    int at = pos;
    int v = readInt();
    pos = at;
    return v;
  }

  /** A number written by {@link ByteSink#writeVarLong}. */
  public long readVarLong() throws CorruptInputException {
    long v = 0;
    for (int shift = 0; shift < Long.SIZE; shift += 7) {
      byte b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new CorruptInputException("a variable-length number longer than a long at " + pos);
  }

  public long readLong() {
    return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
  }

  public double readDouble() {
    return Double.longBitsToDouble(readLong());
  }

  public String readString() {
    int n = readInt();
    if (n < 0) {
      return null;
    }
    require(n);
    String value = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return value;
  }

  public List<String> readStrings() {
    int n = readInt();
    if (n == 0) {
      return List.of();
    }
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(readString());
    }
    return Collections.unmodifiableList(values);
  }

  public byte[] readBytes() {
    int n = readInt();
    require(n);
    byte[] bytes = new byte[n];
    System.arraycopy(buf, pos, bytes, 0, n);
    pos += n;
    return bytes;
  }
}
