package io.tally.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.metric.AggregateFunction;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SumAccumulatorTest {

  private static SumAccumulator sumOf(double... values) {
    SumAccumulator acc = new SumAccumulator();
    for (double v : values) {
      acc.add(v, null);
    }
    return acc;
  }

  @Test
  void sumsValues() {
    assertThat(new SumAccumulator().sum()).isZero();
    assertThat(sumOf(1, 2, 3.5, -0.5).sum()).isEqualTo(6.0);
    assertThat(sumOf(1, 2, 3.5, -0.5).result(Streams.spec(AggregateFunction.SUM)))
        .isEqualTo(new MetricValue.Scalar(6.0));
  }

  @Test
  void compensationKeepsSmallValuesNextToLargeOnes() {
    assertThat(sumOf(1e16, 1, -1e16).sum()).isEqualTo(1.0);
    assertThat(sumOf(1, 1e100, 1, -1e100).sum()).isEqualTo(2.0);
    double[] tenths = new double[10];
    java.util.Arrays.fill(tenths, 0.1);
    assertThat(sumOf(tenths).sum()).isEqualTo(1.0); // naive summation gives 0.9999999999999999
  }

  @Test
  void compensationSurvivesMerges() {
    for (int[] order : new int[][] {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {2, 0, 1}}) {
      SumAccumulator[] parts = {sumOf(1e16), sumOf(1), sumOf(-1e16)};
      SumAccumulator into = parts[order[0]];
      into.merge(parts[order[1]]);
      into.merge(parts[order[2]]);
      assertThat(into.sum()).as(java.util.Arrays.toString(order)).isEqualTo(1.0);
      assertThat(into.events()).isEqualTo(3);
    }
  }

  @Test
  void orderOfAdditionBarelyMatters() {
    Random random = new Random(11);
    List<Double> values = new ArrayList<>();
    BigDecimal exact = BigDecimal.ZERO;
    for (int i = 0; i < 100_000; i++) {
      double v = random.nextGaussian() * Math.pow(10, random.nextInt(12));
      values.add(v);
      exact = exact.add(new BigDecimal(v));
    }
    double truth = exact.doubleValue();
    for (long seed = 0; seed < 5; seed++) {
      Collections.shuffle(values, new Random(seed));
      SumAccumulator acc = new SumAccumulator();
      values.forEach(v -> acc.add(v, null));
      assertThat(acc.sum())
          .isCloseTo(truth, org.assertj.core.data.Offset.offset(Math.ulp(truth) * 4));
    }
  }
}
