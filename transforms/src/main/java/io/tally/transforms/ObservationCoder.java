package io.tally.transforms;

import io.tally.coding.Binary;
import io.tally.metric.MetricSpecCoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

public final class ObservationCoder extends AtomicCoder<Observation> {
  private static final ObservationCoder INSTANCE = new ObservationCoder();

  public static ObservationCoder of() {
    return INSTANCE;
  }

  private ObservationCoder() {}

  @Override
  public void encode(Observation o, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    MetricSpecCoder.write(o.spec(), out);
    out.writeLong(o.timestampMillis());
    out.writeDouble(o.value());
    Binary.writeString(out, o.item());
    Binary.writeString(out, o.source());
    Binary.writeString(out, o.id());
  }

  @Override
  public Observation decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    return new Observation(
        MetricSpecCoder.read(in),
        in.readLong(),
        in.readDouble(),
        Binary.readString(in),
        Binary.readString(in),
        Binary.readString(in));
  }
}
