package io.tally.model.aggregate;

import io.tally.model.codec.Binary;
import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.Codec;
import io.tally.model.codec.CorruptInputException;
import java.io.IOException;
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

  @Override
  public Accumulator read(ByteSource in) throws IOException {
    byte kind = in.readByte();
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
