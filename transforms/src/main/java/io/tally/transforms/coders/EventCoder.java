package io.tally.transforms.coders;

import io.tally.model.codec.Codec;
import io.tally.model.codec.EventCodec;
import io.tally.model.event.Event;

/** Beam's coder for {@link Event}: the model's {@link EventCodec}, framed. */
public final class EventCoder extends FramedCoder<Event> {
  private static final EventCoder INSTANCE = new EventCoder();

  public static EventCoder of() {
    return INSTANCE;
  }

  private EventCoder() {}

  @Override
  protected Codec<Event> codec() {
    return EventCodec.INSTANCE;
  }

  @Override
  public void verifyDeterministic() {}
}
