package io.tally.transforms.coders;

import io.tally.model.codec.Codec;
import io.tally.model.codec.WindowUpdateCodec;
import io.tally.model.update.WindowUpdate;

/** Beam's coder for {@link WindowUpdate}: the model's {@link WindowUpdateCodec}, framed. */
public final class WindowUpdateCoder extends FramedCoder<WindowUpdate> {
  private static final WindowUpdateCoder INSTANCE = new WindowUpdateCoder();

  public static WindowUpdateCoder of() {
    return INSTANCE;
  }

  private WindowUpdateCoder() {}

  @Override
  protected Codec<WindowUpdate> codec() {
    return WindowUpdateCodec.INSTANCE;
  }
}
