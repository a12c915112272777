package io.tally.transforms;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.Binary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Deterministic, as a grouping key's coder must be: equal keys always encode alike. */
public final class MetricKeyCoder extends AtomicCoder<MetricKey> {
  private static final MetricKeyCoder INSTANCE = new MetricKeyCoder();

  public static MetricKeyCoder of() {
    return INSTANCE;
  }

  private MetricKeyCoder() {}

  @Override
  public void encode(MetricKey key, OutputStream outStream) throws IOException {
    Binary.encode(key, outStream, MetricKeyCoder::write);
  }

  private static void write(MetricKey key, ByteSink out) {
    out.writeString(key.metric());
    out.writeLong(key.version());
    out.writeStrings(key.group());
  }

  @Override
  public MetricKey decode(InputStream inStream) throws IOException {
    return Binary.decode(inStream, MetricKeyCoder::read);
  }

  private static MetricKey read(ByteSource in) throws IOException {
    return new MetricKey(in.readString(), in.readLong(), in.readStrings());
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
