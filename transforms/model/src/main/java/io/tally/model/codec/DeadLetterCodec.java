package io.tally.model.codec;

import io.tally.model.deadletter.DeadLetter;
import java.io.IOException;

/** Binary form of a {@link DeadLetter}. */
public final class DeadLetterCodec implements Codec<DeadLetter> {
  public static final DeadLetterCodec INSTANCE = new DeadLetterCodec();
  private static final DeadLetter.Reason[] REASONS = DeadLetter.Reason.values();

  private DeadLetterCodec() {}

  @Override
  public void write(DeadLetter value, ByteSink out) {
    out.writeByte(value.reason().ordinal());
    out.writeString(value.detail());
    out.writeString(value.payload());
    out.writeLong(value.timestampMillis());
  }

  @Override
  public DeadLetter read(ByteSource in) throws IOException {
    return new DeadLetter(REASONS[in.readByte()], in.readString(), in.readString(), in.readLong());
  }
}
