package io.tally.metric;

import io.tally.coding.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Binary form of a {@link MetricSpec}, embedded in the coders of the values that carry one. */
public final class MetricSpecCoder {
  private static final AggregateFunction[] FUNCTIONS = AggregateFunction.values();

  private MetricSpecCoder() {}

  public static void write(MetricSpec spec, DataOutputStream out) throws IOException {
    Binary.writeString(out, spec.metric());
    out.writeLong(spec.version());
    out.writeByte(spec.fn().ordinal());
    out.writeInt(spec.k());
    out.writeLong(spec.sizeMillis());
    out.writeLong(spec.slideMillis());
    out.writeLong(spec.allowedLatenessMillis());
    Binary.writeStrings(out, spec.groupBy());
  }

  public static MetricSpec read(DataInputStream in) throws IOException {
    return new MetricSpec(
        Binary.readString(in),
        in.readLong(),
        FUNCTIONS[in.readByte()],
        in.readInt(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        Binary.readStrings(in));
  }
}
