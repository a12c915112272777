package io.tally.deadletter;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.Binary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

public final class DeadLetterCoder extends AtomicCoder<DeadLetter> {
  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
  private static final DeadLetter.Reason[] REASONS = DeadLetter.Reason.values();

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  private DeadLetterCoder() {}

  @Override
  public void encode(DeadLetter value, OutputStream outStream) throws IOException {
    Binary.encode(value, outStream, DeadLetterCoder::write);
  }

  private static void write(DeadLetter value, ByteSink out) {
    out.writeByte(value.reason().ordinal());
    out.writeString(value.detail());
    out.writeString(value.payload());
    out.writeLong(value.timestampMillis());
  }

  @Override
  public DeadLetter decode(InputStream inStream) throws IOException {
    return Binary.decode(inStream, DeadLetterCoder::read);
  }

  private static DeadLetter read(ByteSource in) throws IOException {
    return new DeadLetter(
        REASONS[in.readByte()], in.readString(), in.readString(), in.readLong());
  }
}
