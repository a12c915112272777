package io.tally.model.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A growable byte buffer with big-endian primitive writes: what every coder of this project writes
 * into. Unlike a DataOutputStream over a ByteArrayOutputStream it makes no virtual call and takes
 * no lock per byte, which matters on a path that runs several times per event.
 */
public final class ByteSink {
  private byte[] buf;
  private int size;

  public ByteSink() {
    this(256);
  }

  public ByteSink(int capacity) {
    buf = new byte[capacity];
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  public void reset() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public void writeByte(int v) {
    ensure(1);
    buf[size++] = (byte) v;
  }

  public void writeBoolean(boolean v) {
    writeByte(v ? 1 : 0);
  }

  public void writeInt(int v) {
    ensure(4);
    buf[size] = (byte) (v >>> 24);
    buf[size + 1] = (byte) (v >>> 16);
    buf[size + 2] = (byte) (v >>> 8);
    buf[size + 3] = (byte) v;
    size += 4;
  }

  public void writeLong(long v) {
    writeInt((int) (v >>> 32));
    writeInt((int) v);
  }

  /** A non-negative number in 7-bit groups, low first: one byte below 128. */
  public void writeVarLong(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative: " + v);
    }
    while (v >= 0x80) {
      writeByte((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    writeByte((int) v);
  }

  public void writeDouble(double v) {
    writeLong(Double.doubleToRawLongBits(v));
  }

  /** A string as its UTF-8 length (-1 for null) and bytes. */
  public void writeString(String value) {
    if (value == null) {
      writeInt(-1);
      return;
    }
    // The JDK encodes Latin-1 strings to UTF-8 with an intrinsic: faster than any loop here.
    writeBytes(value.getBytes(StandardCharsets.UTF_8));
  }

  public void writeStrings(List<String> values) {
    writeInt(values.size());
    for (int i = 0; i < values.size(); i++) {
      writeString(values.get(i));
    }
  }

  /** Bytes with their length before them. */
  public void writeBytes(byte[] bytes) {
    writeInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, size);
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
