package io.tally.transforms;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.model.codec.CorruptInputException;
import io.tally.model.codec.MetricSpecCodec;
import io.tally.transforms.coders.FramedCoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checkpoint form of {@link OpenWindows}. The windows' accumulators are written together ({@link
 * AccumulatorCodec#writeSharingValues}): the hopping windows of a top-K metric count mostly the
 * same values, and Flink's heap state encodes and decodes a group's whole value each time a
 * checkpoint needs a copy of it, so each value is written once per group instead of once per
 * window. The form of earlier versions, each window's accumulator on its own, is still read.
 */
final class OpenWindowsCoder extends FramedCoder<OpenWindows> implements Codec<OpenWindows> {
  private static final OpenWindowsCoder INSTANCE = new OpenWindowsCoder();

  /**
   * Leads the current form. The earlier form began with the metric's name, as its length: never
   * negative.
   */
  private static final int SHARED_VALUES = -2;

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
    out.writeInt(SHARED_VALUES);
    MetricSpecCodec.INSTANCE.write(state.spec, out);
    out.writeBoolean(state.earlyFiringScheduled);
    out.writeLong(state.lastEarlyFiringMillis);
    out.writeLong(state.scheduledDeadline);
    out.writeInt(state.byStart.size());
    List<Accumulator> accumulators = new ArrayList<>(state.byStart.size());
    for (Map.Entry<Long, OpenWindows.Window> entry : state.byStart.entrySet()) {
      OpenWindows.Window window = entry.getValue();
      out.writeLong(entry.getKey());
      out.writeLong(window.emittedEvents);
      out.writeLong(window.panes);
      out.writeBoolean(window.onTimeFired);
      accumulators.add(window.accumulator);
    }
    AccumulatorCodec.INSTANCE.writeSharingValues(accumulators, out);
  }

  @Override
  public OpenWindows read(ByteSource in) throws IOException {
    // The earlier form wrote each window's accumulator after the window, on its own.
    boolean shared = in.peekInt() == SHARED_VALUES;
    if (shared) {
      in.readInt();
    }
    var spec = MetricSpecCodec.INSTANCE.read(in);
    boolean earlyFiringScheduled = in.readBoolean();
    long lastEarlyFiringMillis = in.readLong();
    long scheduledDeadline = in.readLong();
    int n = in.readInt();
    long[] starts = new long[n];
    long[] emitted = new long[n];
    long[] panes = new long[n];
    boolean[] onTimeFired = new boolean[n];
    List<Accumulator> accumulators = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      starts[i] = in.readLong();
      emitted[i] = in.readLong();
      panes[i] = in.readLong();
      onTimeFired[i] = in.readBoolean();
      if (!shared) {
        accumulators.add(AccumulatorCodec.INSTANCE.read(in));
      }
    }
    if (shared) {
      accumulators = AccumulatorCodec.INSTANCE.readSharingValues(in);
    }
    if (accumulators.size() != n) {
      throw new CorruptInputException(n + " windows but " + accumulators.size() + " accumulators");
    }
    TreeMap<Long, OpenWindows.Window> byStart = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      byStart.put(
          starts[i],
          new OpenWindows.Window(accumulators.get(i), emitted[i], panes[i], onTimeFired[i]));
    }
    return new OpenWindows(
        spec, byStart, earlyFiringScheduled, lastEarlyFiringMillis, scheduledDeadline);
  }
}
