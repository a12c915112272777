package io.tally.transforms.coders;

import io.tally.model.codec.Codec;
import io.tally.model.codec.DeadLetterCodec;
import io.tally.model.deadletter.DeadLetter;

/** Beam's coder for {@link DeadLetter}: the model's {@link DeadLetterCodec}, framed. */
public final class DeadLetterCoder extends FramedCoder<DeadLetter> {
  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  private DeadLetterCoder() {}

  @Override
  protected Codec<DeadLetter> codec() {
    return DeadLetterCodec.INSTANCE;
  }
}
