package io.tally.transforms;

import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.model.codec.CorruptInputException;
import io.tally.transforms.coders.FramedCoder;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checkpoint form of {@link SeenIdentities}: a format marker, the buckets (start, tag, count), then
 * each remembered identity as the two {@code long}s of its slot, 16 bytes.
 *
 * <p>The first form held each identity's text, bucket by bucket, and began with the bucket count
 * (never negative); a state in that form, from a savepoint of an earlier version, is read and
 * hashed, so an upgrade forgets nothing.
 */
public final class SeenIdentitiesCoder extends FramedCoder<SeenIdentities>
    implements Codec<SeenIdentities> {
  /** Marks the hashed form; the text form began with a bucket count, never negative. */
  private static final int HASHED_FORM = -2;

  private static final SeenIdentitiesCoder INSTANCE = new SeenIdentitiesCoder();

  public static SeenIdentitiesCoder of() {
    return INSTANCE;
  }

  private SeenIdentitiesCoder() {}

  @Override
  protected Codec<SeenIdentities> codec() {
    return this;
  }

  @Override
  public void write(SeenIdentities seen, ByteSink out) {
    out.writeInt(HASHED_FORM);
    out.writeInt(seen.buckets().size());
    for (Map.Entry<Long, SeenIdentities.Bucket> bucket : seen.buckets().entrySet()) {
      out.writeLong(bucket.getKey());
      out.writeInt(bucket.getValue().tag);
      out.writeInt(bucket.getValue().count);
    }
    out.writeInt(seen.size());
    SeenIdentities.Slots slots = seen.slots();
    for (int i = 0; i < slots.capacity; i++) {
      long low = slots.low(i);
      if (low != 0) {
        out.writeLong(slots.high(i));
        out.writeLong(low);
      }
    }
  }

  @Override
  public SeenIdentities read(ByteSource in) throws IOException {
    int form = in.readInt();
    if (form >= 0) {
      return readTextForm(form, in);
    }
    if (form != HASHED_FORM) {
      throw new CorruptInputException("unknown form " + form + " of remembered identities");
    }
    int bucketCount = in.readInt();
    TreeMap<Long, SeenIdentities.Bucket> buckets = new TreeMap<>();
    for (int b = 0; b < bucketCount; b++) {
      long start = in.readLong();
      buckets.put(start, new SeenIdentities.Bucket(in.readInt(), in.readInt()));
    }
    int n = in.readInt();
    if (n < 0) {
      throw new CorruptInputException("a negative count of remembered identities");
    }
    long[] entries = new long[Math.multiplyExact(2, n)];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = in.readLong();
    }
    // An inconsistent state fails with IllegalArgumentException, which Binary reports as corrupt.
    return SeenIdentities.restore(buckets, entries);
  }

  /** The first form: {@code buckets} × (start, count, that many identity strings). */
  private static SeenIdentities readTextForm(int buckets, ByteSource in) {
    SeenIdentities seen = new SeenIdentities();
    for (int b = 0; b < buckets; b++) {
      long start = in.readLong();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        seen.add(start, in.readString());
      }
    }
    return seen;
  }
}
