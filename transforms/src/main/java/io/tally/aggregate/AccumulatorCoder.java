package io.tally.aggregate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Binary form of every accumulator: a kind byte, the event count, then the kind's state. Sketches
 * are kept in their own portable serialization, which the history tier stores as is.
 */
public final class AccumulatorCoder extends AtomicCoder<Accumulator> {
  private static final AccumulatorCoder INSTANCE = new AccumulatorCoder();
  private static final ArrayOfStringsSerDe STRINGS = new ArrayOfStringsSerDe();

  private static final byte COUNT = 1;
  private static final byte SUM = 2;
  private static final byte DISTINCT = 3;
  private static final byte TOPK_EXACT = 4;
  private static final byte TOPK_SKETCH = 5;

  public static AccumulatorCoder of() {
    return INSTANCE;
  }

  private AccumulatorCoder() {}

  @Override
  public void encode(Accumulator value, OutputStream outStream) throws IOException {
    write(value, new DataOutputStream(outStream));
  }

  @Override
  public Accumulator decode(InputStream inStream) throws IOException {
    return read(new DataInputStream(inStream));
  }

  public static void write(Accumulator value, DataOutputStream out) throws IOException {
    if (value instanceof CountAccumulator c) {
      out.writeByte(COUNT);
      out.writeLong(c.events());
    } else if (value instanceof SumAccumulator s) {
      out.writeByte(SUM);
      out.writeLong(s.events());
      out.writeDouble(s.rawSum());
      out.writeDouble(s.compensation());
    } else if (value instanceof DistinctAccumulator d) {
      out.writeByte(DISTINCT);
      out.writeLong(d.events());
      writeBytes(d.sketchBytes(), out);
    } else if (value instanceof TopKAccumulator t && t.isExact()) {
      out.writeByte(TOPK_EXACT);
      out.writeLong(t.events());
      Map<String, long[]> counts = t.exactCounts();
      out.writeInt(counts.size());
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue()[0]);
      }
    } else if (value instanceof TopKAccumulator t) {
      out.writeByte(TOPK_SKETCH);
      out.writeLong(t.events());
      writeBytes(t.sketch().toByteArray(STRINGS), out);
    } else {
      throw new IllegalArgumentException("unknown accumulator " + value);
    }
  }

  public static Accumulator read(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    long events = in.readLong();
    return switch (kind) {
      case COUNT -> new CountAccumulator(events);
      case SUM -> new SumAccumulator(events, in.readDouble(), in.readDouble());
      case DISTINCT -> DistinctAccumulator.fromBytes(events, readBytes(in));
      case TOPK_EXACT -> {
        int n = in.readInt();
        Map<String, long[]> counts = new HashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
          counts.put(in.readUTF(), new long[] {in.readLong()});
        }
        yield new TopKAccumulator(events, counts, null);
      }
      case TOPK_SKETCH ->
          new TopKAccumulator(
              events, null, ItemsSketch.getInstance(Memory.wrap(readBytes(in)), STRINGS));
      default -> throw new CoderException("unknown accumulator kind " + kind);
    };
  }

  /** The portable bytes of one accumulator, as stored by tiers that keep sketches. */
  public static byte[] toBytes(Accumulator value) {
    var buffer = new java.io.ByteArrayOutputStream();
    try {
      write(value, new DataOutputStream(buffer));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return buffer.toByteArray();
  }

  public static Accumulator fromBytes(byte[] bytes) {
    try {
      return read(new DataInputStream(new java.io.ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new IllegalArgumentException("not an encoded accumulator", e);
    }
  }

  private static void writeBytes(byte[] bytes, DataOutputStream out) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }
}
