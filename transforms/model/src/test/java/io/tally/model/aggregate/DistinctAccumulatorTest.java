package io.tally.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tally.model.metric.AggregateFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistinctAccumulatorTest {
  /** The contract's promise: relative error at most 2%. */
  private static final double MAX_ERROR = 0.02;

  private static DistinctAccumulator users(int from, int to) {
    DistinctAccumulator acc = new DistinctAccumulator();
    for (int i = from; i < to; i++) {
      acc.add(1, "user-" + i);
    }
    return acc;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 10, 100, 500})
  void exactForSmallSets(int n) {
    DistinctAccumulator acc = new DistinctAccumulator();
    for (int repeat = 0; repeat < 3; repeat++) {
      for (int i = 0; i < n; i++) {
        acc.add(1, "user-" + i);
      }
    }
    assertThat(acc.estimate()).isEqualTo(n);
    assertThat(acc.events()).isEqualTo(3L * n);
    assertThat(acc.result(Streams.spec(AggregateFunction.DISTINCT)))
        .isEqualTo(new MetricValue.Scalar(n));
  }

  @Test
  void nullItemsAreNotValues() {
    DistinctAccumulator acc = new DistinctAccumulator();
    acc.add(1, null);
    acc.add(1, "a");
    acc.add(1, null);
    assertThat(acc.estimate()).isEqualTo(1);
    assertThat(acc.events()).isEqualTo(3);
  }

  @Test
  void within2PercentFor100kDistinctValues() {
    DistinctAccumulator acc = new DistinctAccumulator();
    for (int repeat = 0; repeat < 2; repeat++) {
      for (int i = 0; i < 100_000; i++) {
        acc.add(1, "user-" + i);
      }
    }
    assertThat((double) acc.estimate()).isCloseTo(100_000, within(100_000 * MAX_ERROR));
    assertThat(acc.events()).isEqualTo(200_000);
  }

  @Test
  void within2PercentAcrossSizes() {
    for (int n : new int[] {1_000, 10_000, 30_000, 250_000}) {
      assertThat((double) users(0, n).estimate()).as("n=%d", n).isCloseTo(n, within(n * MAX_ERROR));
    }
  }

  @Test
  void mergingOverlappingSketchesEstimatesTheUnion() {
    DistinctAccumulator a = users(0, 70_000);
    DistinctAccumulator b = users(30_000, 100_000);
    DistinctAccumulator union = a.copy();
    union.merge(b);
    assertThat((double) union.estimate()).isCloseTo(100_000, within(100_000 * MAX_ERROR));
    assertThat(union.events()).isEqualTo(140_000);
    // merging is symmetric
    DistinctAccumulator other = b.copy();
    other.merge(a);
    assertThat(other.estimate()).isEqualTo(union.estimate());
    // merging a sketch with itself adds nothing distinct
    DistinctAccumulator twice = a.copy();
    twice.merge(a.copy());
    assertThat((double) twice.estimate()).isCloseTo(70_000, within(70_000 * MAX_ERROR));
  }

  @Test
  void mergedAndDirectEstimatesAgreeWithinTheBound() {
    DistinctAccumulator direct = users(0, 100_000);
    DistinctAccumulator merged = new DistinctAccumulator();
    for (int part = 0; part < 10; part++) {
      merged.merge(users(part * 10_000, (part + 1) * 10_000));
    }
    assertThat(merged.events()).isEqualTo(direct.events());
    assertThat((double) merged.estimate()).isCloseTo(100_000, within(100_000 * MAX_ERROR));
    // A union holds the registers one sketch of all values would: rollups show the same number.
    assertThat(merged.estimate()).isEqualTo(direct.estimate());
  }

  @Test
  void equalToItsDecodedCopy() {
    for (int n : new int[] {50, 500, 5_000}) {
      DistinctAccumulator accumulator = users(0, n);
      assertThat(AccumulatorCodec.fromBytes(AccumulatorCodec.toBytes(accumulator)))
          .isEqualTo(accumulator);
    }
  }

  @Test
  void smallSketchesMergeExactly() {
    DistinctAccumulator merged = users(0, 300);
    merged.merge(users(200, 500));
    assertThat(merged.estimate()).isEqualTo(500);
    assertThat(merged.estimate()).isEqualTo(users(0, 500).estimate());
  }
}
