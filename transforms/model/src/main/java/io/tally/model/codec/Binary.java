package io.tally.model.codec;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How every coder of this project frames its values: the length as an unsigned LEB128 varint (the
 * same bytes as Beam's {@code VarInt}), then the bytes a {@link ByteSink} built. Runners hand
 * coders streams that are slow per call (Flink's wraps every byte in a call), so a value is built
 * in a reusable buffer and handed over in one write, and read back in one read.
 */
public final class Binary {
  private Binary() {}

  /** Writes one value's fields; the body of a coder. */
  @FunctionalInterface
  public interface Writer<T> {
    void write(T value, ByteSink out);
  }

  /** Reads what a {@link Writer} wrote. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(ByteSource in) throws IOException;
  }

  private static final class Buffer {
    final ByteSink sink = new ByteSink(1024);
    boolean inUse;
  }

  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  public static <T> void encode(T value, OutputStream out, Writer<T> writer) throws IOException {
    Buffer buffer = BUFFERS.get();
    if (buffer.inUse) {
      // A coder called from within another's body: it gets a buffer of its own.
      buffer = new Buffer();
    }
    buffer.inUse = true;
    try {
      ByteSink sink = buffer.sink;
      sink.reset();
      writer.write(value, sink);
      writeVarInt(sink.size(), out);
      sink.writeTo(out);
    } finally {
      buffer.inUse = false;
    }
  }

  public static <T> T decode(InputStream in, Reader<T> reader) throws IOException {
    int length = readVarInt(in);
    if (length < 0) {
      throw new CorruptInputException("a negative length: " + length);
    }
    byte[] bytes = new byte[length];
    new DataInputStream(in).readFully(bytes);
    try {
      return reader.read(new ByteSource(bytes));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new CorruptInputException("corrupt input: " + e.getMessage());
    }
  }

  /** One value's bytes, unframed: for stores that keep values as blobs. */
  public static <T> byte[] toBytes(T value, Writer<T> writer) {
    ByteSink sink = new ByteSink();
    writer.write(value, sink);
    return sink.toByteArray();
  }

  private static void writeVarInt(int value, OutputStream out) throws IOException {
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static int readVarInt(InputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("end of stream inside a length");
      }
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new CorruptInputException("a length longer than five bytes");
  }
}
