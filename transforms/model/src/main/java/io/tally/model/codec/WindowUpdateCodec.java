package io.tally.model.codec;

import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Binary form of a {@link WindowUpdate}, its accumulator included. */
public final class WindowUpdateCodec implements Codec<WindowUpdate> {
  public static final WindowUpdateCodec INSTANCE = new WindowUpdateCodec();
  private static final AggregateFunction[] FUNCTIONS = AggregateFunction.values();
  private static final Timing[] TIMINGS = Timing.values();
  private static final byte SCALAR = 0;
  private static final byte RANKING = 1;

  private WindowUpdateCodec() {}

  @Override
  public void write(WindowUpdate u, ByteSink out) {
    out.writeString(u.metric());
    out.writeLong(u.version());
    out.writeByte(u.fn().ordinal());
    out.writeStrings(u.groupBy());
    out.writeStrings(u.group());
    out.writeLong(u.startMillis());
    out.writeLong(u.endMillis());
    writeValue(u.value(), out);
    out.writeLong(u.events());
    out.writeByte(u.timing().ordinal());
    out.writeBoolean(u.isFinal());
    out.writeLong(u.paneIndex());
    out.writeBoolean(u.accumulator() != null);
    if (u.accumulator() != null) {
      AccumulatorCodec.INSTANCE.write(u.accumulator(), out);
    }
  }

  @Override
  public WindowUpdate read(ByteSource in) throws IOException {
    return new WindowUpdate(
        in.readString(),
        in.readLong(),
        FUNCTIONS[in.readByte()],
        in.readStrings(),
        in.readStrings(),
        in.readLong(),
        in.readLong(),
        readValue(in),
        in.readLong(),
        TIMINGS[in.readByte()],
        in.readBoolean(),
        in.readLong(),
        in.readBoolean() ? AccumulatorCodec.INSTANCE.read(in) : null);
  }

  private static void writeValue(MetricValue value, ByteSink out) {
    if (value instanceof MetricValue.Scalar scalar) {
      out.writeByte(SCALAR);
      out.writeDouble(scalar.value());
    } else {
      List<MetricValue.RankedItem> items = ((MetricValue.Ranking) value).items();
      out.writeByte(RANKING);
      out.writeInt(items.size());
      for (MetricValue.RankedItem item : items) {
        out.writeString(item.key());
        out.writeLong(item.count());
      }
    }
  }

  private static MetricValue readValue(ByteSource in) throws IOException {
    byte kind = in.readByte();
    if (kind == SCALAR) {
      return new MetricValue.Scalar(in.readDouble());
    }
    if (kind != RANKING) {
      throw new CorruptInputException("unknown metric value kind " + kind);
    }
    int n = in.readInt();
    List<MetricValue.RankedItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(new MetricValue.RankedItem(in.readString(), in.readLong()));
    }
    return new MetricValue.Ranking(items);
  }
}
