package io.tally.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.CorruptInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AccumulatorCodecTest {

  /** Five hopping windows of a top-K metric: mostly the same values, counted differently. */
  private static List<Accumulator> hoppingTopK() {
    Random random = new Random(31);
    List<Accumulator> windows = new ArrayList<>();
    for (int w = 0; w < 5; w++) {
      TopKAccumulator window = new TopKAccumulator();
      for (int i = 0; i < 3_000; i++) {
        window.add(0, "entity-" + random.nextInt(1_000));
      }
      window.add(0, null);
      windows.add(window);
    }
    return windows;
  }

  private static byte[] sharing(List<Accumulator> values) {
    ByteSink out = new ByteSink();
    AccumulatorCodec.INSTANCE.writeSharingValues(values, out);
    return out.toByteArray();
  }

  @Test
  void accumulatorsWrittenTogetherComeBackEqualAndInOrder() throws Exception {
    TopKAccumulator sketched = new TopKAccumulator();
    for (int i = 0; i <= TopKAccumulator.EXACT_LIMIT; i++) {
      sketched.add(0, "v" + i);
    }
    assertThat(sketched.isExact()).isFalse();
    List<Accumulator> values = new ArrayList<>(hoppingTopK());
    CountAccumulator count = new CountAccumulator();
    count.add(1, null);
    SumAccumulator sum = new SumAccumulator();
    sum.add(2.5, null);
    DistinctAccumulator distinct = new DistinctAccumulator();
    distinct.add(0, "u1");
    values.add(1, count);
    values.add(3, sketched);
    values.add(sum);
    values.add(distinct);
    values.add(new TopKAccumulator());

    List<Accumulator> read =
        AccumulatorCodec.INSTANCE.readSharingValues(new ByteSource(sharing(values)));

    assertThat(read).isEqualTo(values);
    assertThat(((TopKAccumulator) read.get(3)).isExact()).isFalse();
  }

  @Test
  void sharedValuesTakeLessThanAThirdOfTheSpaceOfSeparateOnes() {
    List<Accumulator> windows = hoppingTopK();
    int separate = windows.stream().mapToInt(w -> AccumulatorCodec.toBytes(w).length).sum();
    assertThat(sharing(windows).length).isLessThan(separate / 3);
  }

  @Test
  void aValueOutsideTheSharedTableIsCorruptInput() {
    ByteSink out = new ByteSink();
    out.writeVarLong(1); // one shared value
    out.writeString("only");
    out.writeVarLong(1); // one accumulator
    out.writeByte(6); // exact top-K over the shared values
    out.writeVarLong(1); // events
    out.writeVarLong(1); // distinct values
    out.writeVarLong(1); // the second shared value: there is none
    out.writeVarLong(1);
    assertThatThrownBy(
            () -> AccumulatorCodec.INSTANCE.readSharingValues(new ByteSource(out.toByteArray())))
        .isInstanceOf(CorruptInputException.class);
  }

  @Test
  void theSharedFormIsNotAStandaloneAccumulator() {
    assertThatThrownBy(() -> AccumulatorCodec.fromBytes(new byte[] {6, 0, 0, 0, 0, 0, 0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
