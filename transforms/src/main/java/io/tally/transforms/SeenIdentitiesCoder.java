package io.tally.transforms;

import io.tally.coding.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeInt(seen.buckets.size());
    for (Map.Entry<Long, Set<String>> bucket : seen.buckets.entrySet()) {
      out.writeLong(bucket.getKey());
      out.writeInt(bucket.getValue().size());
      for (String identity : bucket.getValue()) {
        Binary.writeString(out, identity);
      }
    }
  }

  @Override
  public SeenIdentities decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int buckets = in.readInt();
    TreeMap<Long, Set<String>> byStart = new TreeMap<>();
    for (int b = 0; b < buckets; b++) {
      long start = in.readLong();
      int n = in.readInt();
      Set<String> identities = new HashSet<>(Math.max(16, n * 2));
      for (int i = 0; i < n; i++) {
        identities.add(Binary.readString(in));
      }
      byStart.put(start, identities);
    }
    return new SeenIdentities(byStart);
  }
}
