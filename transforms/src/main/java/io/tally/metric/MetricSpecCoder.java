package io.tally.metric;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.Binary;
import java.io.IOException;

/** Binary form of a {@link MetricSpec}, embedded in the coders of the values that carry one. */
public final class MetricSpecCoder {
  private static final AggregateFunction[] FUNCTIONS = AggregateFunction.values();

  private MetricSpecCoder() {}

  public static void write(MetricSpec spec, ByteSink out) {
    out.writeString(spec.metric());
    out.writeLong(spec.version());
    out.writeByte(spec.fn().ordinal());
    out.writeInt(spec.k());
    out.writeLong(spec.sizeMillis());
    out.writeLong(spec.slideMillis());
    out.writeLong(spec.allowedLatenessMillis());
    out.writeStrings(spec.groupBy());
  }

  public static MetricSpec read(ByteSource in) throws IOException {
    return new MetricSpec(
        in.readString(),
        in.readLong(),
        FUNCTIONS[in.readByte()],
        in.readInt(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readStrings());
  }
}
