package io.tally.transforms;

import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.transforms.coders.FramedCoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checkpoint form of {@link SeenIdentities}. */
final class SeenIdentitiesCoder extends FramedCoder<SeenIdentities>
    implements Codec<SeenIdentities> {
  private static final SeenIdentitiesCoder INSTANCE = new SeenIdentitiesCoder();

  static SeenIdentitiesCoder of() {
    return INSTANCE;
  }

  private SeenIdentitiesCoder() {}

  @Override
  protected Codec<SeenIdentities> codec() {
    return this;
  }

  @Override
  public void write(SeenIdentities seen, ByteSink out) {
    out.writeInt(seen.buckets().size());
    for (Map.Entry<Long, List<String>> bucket : seen.buckets().entrySet()) {
      out.writeLong(bucket.getKey());
      out.writeInt(bucket.getValue().size());
      for (String identity : bucket.getValue()) {
        out.writeString(identity);
      }
    }
  }

  @Override
  public SeenIdentities read(ByteSource in) throws IOException {
    int buckets = in.readInt();
    TreeMap<Long, List<String>> byStart = new TreeMap<>();
    for (int b = 0; b < buckets; b++) {
      long start = in.readLong();
      int n = in.readInt();
      List<String> identities = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        identities.add(in.readString());
      }
      byStart.put(start, identities);
    }
    return SeenIdentities.of(byStart);
  }
}
