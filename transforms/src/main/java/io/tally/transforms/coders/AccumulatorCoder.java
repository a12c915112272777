package io.tally.transforms.coders;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.codec.Codec;

/** Beam's coder for {@link Accumulator}: the model's {@link AccumulatorCodec}, framed. */
public final class AccumulatorCoder extends FramedCoder<Accumulator> {
  private static final AccumulatorCoder INSTANCE = new AccumulatorCoder();

  public static AccumulatorCoder of() {
    return INSTANCE;
  }

  private AccumulatorCoder() {}

  @Override
  protected Codec<Accumulator> codec() {
    return AccumulatorCodec.INSTANCE;
  }
}
