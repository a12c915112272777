package io.tally.coding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * The base of every coder of this project: a value is written into a reusable buffer and handed
 * to the stream in one framed write ({@link Binary}); subclasses only say how its fields are
 * written and read.
 */
public abstract class FramedCoder<T> extends AtomicCoder<T> {

  protected abstract void write(T value, ByteSink out);

  protected abstract T read(ByteSource in) throws IOException;

  @Override
  public final void encode(T value, OutputStream outStream) throws IOException {
    Binary.encode(value, outStream, this::write);
  }

  @Override
  public final T decode(InputStream inStream) throws IOException {
    return Binary.decode(inStream, this::read);
  }
}
