package io.tally.update;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.FramedCoder;
import io.tally.aggregate.AccumulatorCoder;
import io.tally.aggregate.MetricValue;
import io.tally.metric.AggregateFunction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;

public final class WindowUpdateCoder extends FramedCoder<WindowUpdate> {
  private static final WindowUpdateCoder INSTANCE = new WindowUpdateCoder();
  private static final AggregateFunction[] FUNCTIONS = AggregateFunction.values();
  private static final Timing[] TIMINGS = Timing.values();
  private static final byte SCALAR = 0;
  private static final byte RANKING = 1;

  public static WindowUpdateCoder of() {
    return INSTANCE;
  }

  private WindowUpdateCoder() {}

  @Override
  protected void write(WindowUpdate u, ByteSink out) {
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
      AccumulatorCoder.write(u.accumulator(), out);
    }
  }

  @Override
  protected WindowUpdate read(ByteSource in) throws IOException {
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
        in.readBoolean() ? AccumulatorCoder.read(in) : null);
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
      throw new CoderException("unknown metric value kind " + kind);
    }
    int n = in.readInt();
    List<MetricValue.RankedItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(new MetricValue.RankedItem(in.readString(), in.readLong()));
    }
    return new MetricValue.Ranking(items);
  }
}
