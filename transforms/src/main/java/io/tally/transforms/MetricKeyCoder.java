package io.tally.transforms;

import io.tally.coding.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
    DataOutputStream out = new DataOutputStream(outStream);
    Binary.writeString(out, key.metric());
    out.writeLong(key.version());
    Binary.writeStrings(out, key.group());
  }

  @Override
  public MetricKey decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    return new MetricKey(Binary.readString(in), in.readLong(), Binary.readStrings(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
