package io.tally.transforms;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.FramedCoder;
import io.tally.metric.MetricSpec;
import io.tally.metric.MetricSpecCoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

public final class ObservationsCoder extends FramedCoder<Observations> {
  private static final ObservationsCoder INSTANCE = new ObservationsCoder();

  public static ObservationsCoder of() {
    return INSTANCE;
  }

  private ObservationsCoder() {}

  @Override
  protected void write(Observations batch, ByteSink out) {
    MetricSpecCoder.write(batch.spec(), out);
    out.writeInt(batch.observations().size());
    for (Observation o : batch.observations()) {
      out.writeLong(o.timestampMillis());
      out.writeDouble(o.value());
      out.writeString(o.item());
      out.writeString(o.source());
      out.writeString(o.id());
    }
  }

  @Override
  protected Observations read(ByteSource in) throws IOException {
    MetricSpec spec = MetricSpecCoder.read(in);
    int n = in.readInt();
    List<Observation> observations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      observations.add(
          new Observation(
              in.readLong(),
              in.readDouble(),
              in.readString(),
              in.readString(),
              in.readString()));
    }
    return new Observations(spec, observations);
  }
}
