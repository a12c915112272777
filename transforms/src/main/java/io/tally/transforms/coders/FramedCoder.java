package io.tally.transforms.coders;

import io.tally.model.codec.Binary;
import io.tally.model.codec.Codec;
import io.tally.model.codec.CorruptInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * The base of every coder of this project: a value is written by its {@link Codec} into a reusable
 * buffer and handed to the stream in one framed write ({@link Binary}). The binary form is the
 * model's; this class only adapts it to Beam.
 */
public abstract class FramedCoder<T> extends AtomicCoder<T> {

  /** The codec of the values; a singleton, so that the coder stays serializable. */
  protected abstract Codec<T> codec();

  @Override
  public final void encode(T value, OutputStream outStream) throws IOException {
    Binary.encode(value, outStream, codec());
  }

  @Override
  public final T decode(InputStream inStream) throws IOException {
    try {
      return Binary.decode(inStream, codec());
    } catch (CorruptInputException e) {
      throw new CoderException(e.getMessage(), e);
    }
  }
}
