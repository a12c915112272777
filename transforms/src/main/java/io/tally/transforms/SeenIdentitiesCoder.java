package io.tally.transforms;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.Binary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Checkpoint form of {@link SeenIdentities}. */
final class SeenIdentitiesCoder extends AtomicCoder<SeenIdentities> {
  private static final SeenIdentitiesCoder INSTANCE = new SeenIdentitiesCoder();

  static SeenIdentitiesCoder of() {
    return INSTANCE;
  }

  private SeenIdentitiesCoder() {}

  @Override
  public void encode(SeenIdentities seen, OutputStream outStream) throws IOException {
    Binary.encode(seen, outStream, SeenIdentitiesCoder::write);
  }

  private static void write(SeenIdentities seen, ByteSink out) {
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
  public SeenIdentities decode(InputStream inStream) throws IOException {
    return Binary.decode(inStream, SeenIdentitiesCoder::read);
  }

  private static SeenIdentities read(ByteSource in) throws IOException {
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
