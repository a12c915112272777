package io.tally.deadletter;

import io.tally.coding.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeByte(value.reason().ordinal());
    Binary.writeString(out, value.detail());
    Binary.writeString(out, value.payload());
    out.writeLong(value.timestampMillis());
  }

  @Override
  public DeadLetter decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    return new DeadLetter(
        REASONS[in.readByte()], Binary.readString(in), Binary.readString(in), in.readLong());
  }
}
