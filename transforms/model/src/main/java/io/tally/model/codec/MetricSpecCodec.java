package io.tally.model.codec;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import java.io.IOException;

/** Binary form of a {@link MetricSpec}, embedded in the coders of the values that carry one. */
public final class MetricSpecCodec implements Codec<MetricSpec> {
  public static final MetricSpecCodec INSTANCE = new MetricSpecCodec();
  private static final AggregateFunction[] FUNCTIONS = AggregateFunction.values();

  private MetricSpecCodec() {}

  @Override
  public void write(MetricSpec spec, ByteSink out) {
    out.writeString(spec.metric());
    out.writeLong(spec.version());
    out.writeByte(spec.fn().ordinal());
    out.writeInt(spec.k());
    out.writeLong(spec.sizeMillis());
    out.writeLong(spec.slideMillis());
    out.writeLong(spec.allowedLatenessMillis());
    out.writeStrings(spec.groupBy());
  }

  @Override
  public MetricSpec read(ByteSource in) throws IOException {
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
