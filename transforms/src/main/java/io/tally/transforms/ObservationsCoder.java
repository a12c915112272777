package io.tally.transforms;

import io.tally.coding.Binary;
import io.tally.metric.MetricSpec;
import io.tally.metric.MetricSpecCoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;

public final class ObservationsCoder extends AtomicCoder<Observations> {
  private static final ObservationsCoder INSTANCE = new ObservationsCoder();

  public static ObservationsCoder of() {
    return INSTANCE;
  }

  private ObservationsCoder() {}

  @Override
  public void encode(Observations batch, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    MetricSpecCoder.write(batch.spec(), out);
    out.writeInt(batch.observations().size());
    for (Observation o : batch.observations()) {
      out.writeLong(o.timestampMillis());
      out.writeDouble(o.value());
      Binary.writeString(out, o.item());
      Binary.writeString(out, o.source());
      Binary.writeString(out, o.id());
    }
  }

  @Override
  public Observations decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    MetricSpec spec = MetricSpecCoder.read(in);
    int n = in.readInt();
    List<Observation> observations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      observations.add(
          new Observation(
              in.readLong(),
              in.readDouble(),
              Binary.readString(in),
              Binary.readString(in),
              Binary.readString(in)));
    }
    return new Observations(spec, observations);
  }
}
