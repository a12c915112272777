package io.tally.transforms;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.FramedCoder;
import io.tally.aggregate.AccumulatorCoder;
import io.tally.metric.MetricSpecCoder;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Checkpoint form of {@link OpenWindows}. */
final class OpenWindowsCoder extends FramedCoder<OpenWindows> {
  private static final OpenWindowsCoder INSTANCE = new OpenWindowsCoder();

  static OpenWindowsCoder of() {
    return INSTANCE;
  }

  private OpenWindowsCoder() {}

  @Override
  protected void write(OpenWindows state, ByteSink out) {
    MetricSpecCoder.write(state.spec, out);
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
      AccumulatorCoder.write(window.accumulator, out);
    }
  }

  @Override
  protected OpenWindows read(ByteSource in) throws IOException {
    var spec = MetricSpecCoder.read(in);
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
          new OpenWindows.Window(AccumulatorCoder.read(in), emitted, panes, onTimeFired));
    }
    return new OpenWindows(
        spec, byStart, earlyFiringScheduled, lastEarlyFiringMillis, scheduledDeadline);
  }
}
