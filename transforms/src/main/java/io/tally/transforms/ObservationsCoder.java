package io.tally.transforms;

import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.model.codec.MetricSpecCodec;
import io.tally.model.metric.MetricSpec;
import io.tally.transforms.coders.FramedCoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

public final class ObservationsCoder extends FramedCoder<Observations>
    implements Codec<Observations> {
  private static final ObservationsCoder INSTANCE = new ObservationsCoder();

  public static ObservationsCoder of() {
    return INSTANCE;
  }

  private ObservationsCoder() {}

  @Override
  protected Codec<Observations> codec() {
    return this;
  }

  @Override
  public void write(Observations batch, ByteSink out) {
    MetricSpecCodec.INSTANCE.write(batch.spec(), out);
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
  public Observations read(ByteSource in) throws IOException {
    MetricSpec spec = MetricSpecCodec.INSTANCE.read(in);
    int n = in.readInt();
    List<Observation> observations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      observations.add(
          new Observation(
              in.readLong(), in.readDouble(), in.readString(), in.readString(), in.readString()));
    }
    return new Observations(spec, observations);
  }
}
