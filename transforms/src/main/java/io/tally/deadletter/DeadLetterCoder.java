package io.tally.deadletter;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.FramedCoder;
import java.io.IOException;

public final class DeadLetterCoder extends FramedCoder<DeadLetter> {
  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
  private static final DeadLetter.Reason[] REASONS = DeadLetter.Reason.values();

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  private DeadLetterCoder() {}

  @Override
  protected void write(DeadLetter value, ByteSink out) {
    out.writeByte(value.reason().ordinal());
    out.writeString(value.detail());
    out.writeString(value.payload());
    out.writeLong(value.timestampMillis());
  }

  @Override
  protected DeadLetter read(ByteSource in) throws IOException {
    return new DeadLetter(
        REASONS[in.readByte()], in.readString(), in.readString(), in.readLong());
  }
}
