package io.tally.transforms;

import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.model.codec.MetricSpecCodec;
import io.tally.transforms.coders.FramedCoder;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Checkpoint form of {@link OpenWindows}. */
final class OpenWindowsCoder extends FramedCoder<OpenWindows> implements Codec<OpenWindows> {
  private static final OpenWindowsCoder INSTANCE = new OpenWindowsCoder();

  static OpenWindowsCoder of() {
    return INSTANCE;
  }

  private OpenWindowsCoder() {}

  @Override
  protected Codec<OpenWindows> codec() {
    return this;
  }

  @Override
  public void write(OpenWindows state, ByteSink out) {
    MetricSpecCodec.INSTANCE.write(state.spec, out);
    out.writeBoolean(state.earlyFiringScheduled);
    out.writeLong(state.lastEarlyFiringMillis);
    out.writeLong(state.scheduledDeadline);
    out.writeInt(state.byStart.size());
    for (Map.Entry<Long, OpenWindows.Window> entry : state.byStart.entrySet()) {
      OpenWindows.Window window = entry.getValue();
      out.writeLong(entry.getKey());
      out.writeLong(window.emittedEvents);
      out.writeLong(window.panes);
      out.writeBoolean(window.onTimeFired);
      AccumulatorCodec.INSTANCE.write(window.accumulator, out);
    }
  }

  @Override
  public OpenWindows read(ByteSource in) throws IOException {
    var spec = MetricSpecCodec.INSTANCE.read(in);
    boolean earlyFiringScheduled = in.readBoolean();
    long lastEarlyFiringMillis = in.readLong();
    long scheduledDeadline = in.readLong();
    int n = in.readInt();
    TreeMap<Long, OpenWindows.Window> byStart = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      long start = in.readLong();
      long emitted = in.readLong();
      long panes = in.readLong();
      boolean onTimeFired = in.readBoolean();
      byStart.put(
          start,
          new OpenWindows.Window(AccumulatorCodec.INSTANCE.read(in), emitted, panes, onTimeFired));
    }
    return new OpenWindows(
        spec, byStart, earlyFiringScheduled, lastEarlyFiringMillis, scheduledDeadline);
  }
}
