package io.tally.coding;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;

/**
 * How every coder of this project frames its values: the length, then the bytes a {@link
 * ByteSink} built. Runners hand coders streams that are slow per call (Flink's wraps every byte
 * in a call), so a value is built in a reusable buffer and handed over in one write, and read
 * back in one read.
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
      VarInt.encode(sink.size(), out);
      sink.writeTo(out);
    } finally {
      buffer.inUse = false;
    }
  }

  public static <T> T decode(InputStream in, Reader<T> reader) throws IOException {
    int length = VarInt.decodeInt(in);
    byte[] bytes = new byte[length];
    new DataInputStream(in).readFully(bytes);
    try {
      return reader.read(new ByteSource(bytes));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new CoderException("corrupt input: " + e.getMessage());
    }
  }

  /** One value's bytes, unframed: for stores that keep values as blobs. */
  public static <T> byte[] toBytes(T value, Writer<T> writer) {
    ByteSink sink = new ByteSink();
    writer.write(value, sink);
    return sink.toByteArray();
  }
}
