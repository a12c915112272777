package io.tally.model.aggregate;

import io.tally.model.codec.Binary;
import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.model.codec.CorruptInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Binary form of every accumulator: a kind byte, the event count, then the kind's state. Sketches
 * are kept in their own portable serialization, which the history tier stores as is.
 */
public final class AccumulatorCodec implements Codec<Accumulator> {
  public static final AccumulatorCodec INSTANCE = new AccumulatorCodec();
  private static final ArrayOfStringsSerDe STRINGS = new ArrayOfStringsSerDe();

  private static final byte COUNT = 1;
  private static final byte SUM = 2;
  private static final byte DISTINCT = 3;
  private static final byte TOPK_EXACT = 4;
  private static final byte TOPK_SKETCH = 5;

  /** Exact top-K counts whose values are positions in a table shared with other accumulators. */
  private static final byte TOPK_EXACT_SHARED = 6;

  private AccumulatorCodec() {}

  @Override
  public void write(Accumulator value, ByteSink out) {
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
      out.writeBytes(d.sketchBytes());
    } else if (value instanceof TopKAccumulator t && t.isExact()) {
      out.writeByte(TOPK_EXACT);
      out.writeLong(t.events());
      out.writeInt(t.distinctItems());
      t.forEachExactCount(
          (item, count) -> {
            out.writeString(item);
            out.writeLong(count);
          });
    } else if (value instanceof TopKAccumulator t) {
      out.writeByte(TOPK_SKETCH);
      out.writeLong(t.events());
      out.writeBytes(t.sketch().toByteArray(STRINGS));
    } else {
      throw new IllegalArgumentException("unknown accumulator " + value);
    }
  }

  /**
   * Several accumulators, such as one group's open windows, in less space and time than one by one:
   * exact top-K counts share one table of their values, so that a value counted in several windows
   * is written, and decoded into a string, once. Only for state that is read back by this codec
   * ({@link #readSharingValues}); the history tiers store each accumulator alone ({@link
   * #toBytes}).
   */
  public void writeSharingValues(List<Accumulator> values, ByteSink out) {
    // The table is itself a set of counts, its positions the values' places in the table; the
    // windows of a group mostly hold the same string instances, so most lookups end at ==.
    ExactCounts table = new ExactCounts(1_024);
    ExactCounts[] exact = new ExactCounts[values.size()];
    int[][] positions = new int[values.size()][];
    for (int v = 0; v < values.size(); v++) {
      if (values.get(v) instanceof TopKAccumulator t && t.isExact()) {
        exact[v] = t.exactCounts();
        positions[v] = new int[exact[v].size()];
        for (int i = 0; i < positions[v].length; i++) {
          positions[v][i] = table.positionOf(exact[v].item(i));
        }
      }
    }
    out.writeVarLong(table.size());
    for (int i = 0; i < table.size(); i++) {
      out.writeString(table.item(i));
    }
    out.writeVarLong(values.size());
    for (int v = 0; v < values.size(); v++) {
      if (exact[v] == null) {
        write(values.get(v), out);
        continue;
      }
      out.writeByte(TOPK_EXACT_SHARED);
      out.writeVarLong(values.get(v).events());
      out.writeVarLong(exact[v].size());
      for (int i = 0; i < exact[v].size(); i++) {
        out.writeVarLong(positions[v][i]);
        out.writeVarLong(exact[v].count(i));
      }
    }
  }

  /** What {@link #writeSharingValues} wrote, in the same order. */
  public List<Accumulator> readSharingValues(ByteSource in) throws IOException {
    String[] table = new String[count(in)];
    for (int i = 0; i < table.length; i++) {
      table[i] = in.readString();
    }
    int n = count(in);
    List<Accumulator> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte kind = in.readByte();
      if (kind != TOPK_EXACT_SHARED) {
        values.add(read(kind, in));
        continue;
      }
      long events = in.readVarLong();
      int distinct = count(in);
      TopKAccumulator topK = TopKAccumulator.exact(events, distinct);
      for (int j = 0; j < distinct; j++) {
        long position = in.readVarLong();
        if (position >= table.length) {
          throw new CorruptInputException("value " + position + " of a table of " + table.length);
        }
        topK.restoreCount(table[(int) position], in.readVarLong());
      }
      values.add(topK);
    }
    return values;
  }

  private static int count(ByteSource in) throws IOException {
    long n = in.readVarLong();
    if (n > Integer.MAX_VALUE) {
      throw new CorruptInputException("a count of " + n);
    }
    return (int) n;
  }

  @Override
  public Accumulator read(ByteSource in) throws IOException {
    return read(in.readByte(), in);
  }

  private Accumulator read(byte kind, ByteSource in) throws IOException {
    long events = in.readLong();
    return switch (kind) {
      case COUNT -> new CountAccumulator(events);
      case SUM -> new SumAccumulator(events, in.readDouble(), in.readDouble());
      case DISTINCT -> DistinctAccumulator.fromBytes(events, in.readBytes());
      case TOPK_EXACT -> {
        int n = in.readInt();
        TopKAccumulator topK = TopKAccumulator.exact(events, n);
        for (int i = 0; i < n; i++) {
          topK.restoreCount(in.readString(), in.readLong());
        }
        yield topK;
      }
      case TOPK_SKETCH ->
          TopKAccumulator.sketched(
              events, ItemsSketch.getInstance(Memory.wrap(in.readBytes()), STRINGS));
      default -> throw new CorruptInputException("unknown accumulator kind " + kind);
    };
  }

  /** The portable bytes of one accumulator, as stored by tiers that keep sketches. */
  public static byte[] toBytes(Accumulator value) {
    return Binary.toBytes(value, INSTANCE);
  }

  public static Accumulator fromBytes(byte[] bytes) {
    try {
      return INSTANCE.read(new ByteSource(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an encoded accumulator", e);
    }
  }
}
