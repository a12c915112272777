package io.tally.transforms;

import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.transforms.coders.FramedCoder;
import java.io.IOException;

/** Deterministic, as a grouping key's coder must be: equal keys always encode alike. */
public final class MetricKeyCoder extends FramedCoder<MetricKey> implements Codec<MetricKey> {
  private static final MetricKeyCoder INSTANCE = new MetricKeyCoder();

  public static MetricKeyCoder of() {
    return INSTANCE;
  }

  private MetricKeyCoder() {}

  @Override
  protected Codec<MetricKey> codec() {
    return this;
  }

  @Override
  public void write(MetricKey key, ByteSink out) {
    out.writeString(key.metric());
    out.writeLong(key.version());
    out.writeStrings(key.group());
  }

  @Override
  public MetricKey read(ByteSource in) throws IOException {
    return new MetricKey(in.readString(), in.readLong(), in.readStrings());
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
