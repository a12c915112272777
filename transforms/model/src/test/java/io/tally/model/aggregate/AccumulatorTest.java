package io.tally.model.aggregate;

import static io.tally.model.aggregate.Streams.accumulate;
import static io.tally.model.aggregate.Streams.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.Streams.Obs;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every kind of accumulator promises: merging is adding, in any order. */
class AccumulatorTest {

  @Test
  void createPicksTheKind() {
    assertThat(Accumulator.create(AggregateFunction.COUNT)).isInstanceOf(CountAccumulator.class);
    assertThat(Accumulator.create(AggregateFunction.RATE)).isInstanceOf(CountAccumulator.class);
    assertThat(Accumulator.create(AggregateFunction.SUM)).isInstanceOf(SumAccumulator.class);
    assertThat(Accumulator.create(AggregateFunction.DISTINCT))
        .isInstanceOf(DistinctAccumulator.class);
    assertThat(Accumulator.create(AggregateFunction.TOPK)).isInstanceOf(TopKAccumulator.class);
  }

  private static List<List<Obs>> split(List<Obs> obs, int parts, long seed) {
    Random random = new Random(seed);
    List<List<Obs>> split = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      split.add(new ArrayList<>());
    }
    for (Obs o : obs) {
      split.get(random.nextInt(parts)).add(o);
    }
    return split;
  }

  private static Accumulator merged(AggregateFunction fn, List<List<Obs>> parts, int... order) {
    Accumulator into = accumulate(fn, parts.get(order[0]));
    for (int i = 1; i < order.length; i++) {
      into.merge(accumulate(fn, parts.get(order[i])));
    }
    return into;
  }

  @ParameterizedTest
  @EnumSource(AggregateFunction.class)
  void mergeIsEquivalentToAddingEverythingToOne(AggregateFunction fn) {
    // 500 distinct items: exact for every kind, so results must be identical
    List<Obs> obs = Streams.skewed(1, 20_000, 500);
    MetricSpec spec = spec(fn);
    Accumulator direct = accumulate(fn, obs);
    assertThat(direct.events()).isEqualTo(20_000);

    List<List<Obs>> parts = split(obs, 3, 2);
    for (int[] order : new int[][] {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {2, 0, 1}}) {
      Accumulator merged = merged(fn, parts, order);
      assertThat(merged.events()).isEqualTo(direct.events());
      assertThat(merged.result(spec))
          .as("order %s", java.util.Arrays.toString(order))
          .isEqualTo(direct.result(spec));
    }
    // tree-shaped merges: (a + b) + (c), and a + (b + c)
    Accumulator ab = merged(fn, parts, 0, 1);
    ab.merge(accumulate(fn, parts.get(2)));
    Accumulator bc = merged(fn, parts, 1, 2);
    Accumulator a = accumulate(fn, parts.get(0));
    a.merge(bc);
    assertThat(ab.result(spec)).isEqualTo(direct.result(spec));
    assertThat(a.result(spec)).isEqualTo(direct.result(spec));
    // the order of adding does not matter either
    assertThat(accumulate(fn, Streams.shuffled(obs, 3)).result(spec))
        .isEqualTo(direct.result(spec));
  }

  @ParameterizedTest
  @EnumSource(AggregateFunction.class)
  void mergingAnEmptyAccumulatorChangesNothing(AggregateFunction fn) {
    List<Obs> obs = Streams.skewed(4, 1_000, 50);
    MetricSpec spec = spec(fn);
    Accumulator direct = accumulate(fn, obs);
    Accumulator withEmpty = accumulate(fn, obs);
    withEmpty.merge(Accumulator.create(fn));
    Accumulator emptyWith = Accumulator.create(fn);
    emptyWith.merge(accumulate(fn, obs));
    assertThat(withEmpty.result(spec)).isEqualTo(direct.result(spec));
    assertThat(emptyWith.result(spec)).isEqualTo(direct.result(spec));
    assertThat(withEmpty.events()).isEqualTo(1_000);
    assertThat(emptyWith.events()).isEqualTo(1_000);
  }

  @ParameterizedTest
  @EnumSource(AggregateFunction.class)
  void mergeLeavesTheOtherAccumulatorAlone(AggregateFunction fn) {
    MetricSpec spec = spec(fn);
    Accumulator other = accumulate(fn, Streams.skewed(5, 1_000, 50));
    Accumulator before = other.copy();
    Accumulator into = accumulate(fn, Streams.skewed(6, 1_000, 50));
    into.merge(other);
    into.add(3, "item-1");
    assertThat(other.events()).isEqualTo(before.events());
    assertThat(other.result(spec)).isEqualTo(before.result(spec));
  }

  @ParameterizedTest
  @EnumSource(AggregateFunction.class)
  void copyIsIndependentOfTheOriginal(AggregateFunction fn) {
    MetricSpec spec = spec(fn);
    Accumulator original = accumulate(fn, Streams.skewed(7, 2_000, 100));
    MetricValue originalValue = original.result(spec);
    Accumulator copy = original.copy();
    assertThat(copy).isNotSameAs(original).isEqualTo(original);
    assertThat(copy.result(spec)).isEqualTo(originalValue);

    for (int i = 0; i < 500; i++) {
      copy.add(7, "new-" + i);
    }
    assertThat(original.events()).isEqualTo(2_000);
    assertThat(original.result(spec)).isEqualTo(originalValue);

    Accumulator copy2 = original.copy();
    MetricValue copyValue = copy2.result(spec);
    for (int i = 0; i < 500; i++) {
      original.add(7, "other-" + i);
    }
    original.merge(accumulate(fn, Streams.skewed(8, 100, 10)));
    assertThat(copy2.events()).isEqualTo(2_000);
    assertThat(copy2.result(spec)).isEqualTo(copyValue);
  }

  @Test
  void eventsCountsEveryAddEvenWithoutAnItem() {
    for (AggregateFunction fn : AggregateFunction.values()) {
      Accumulator acc = Accumulator.create(fn);
      acc.add(1, null);
      acc.add(1, null);
      acc.add(1, "x");
      assertThat(acc.events()).as(fn.name()).isEqualTo(3);
    }
  }

  @Test
  void countAndRate() {
    Accumulator acc = Accumulator.create(AggregateFunction.COUNT);
    for (int i = 0; i < 120; i++) {
      acc.add(-5, null);
    }
    assertThat(acc.result(spec(AggregateFunction.COUNT))).isEqualTo(new MetricValue.Scalar(120));
    // rate: events per second over the window's size (60 s here)
    assertThat(acc.result(spec(AggregateFunction.RATE))).isEqualTo(new MetricValue.Scalar(2.0));
    MetricSpec halfSecond =
        new MetricSpec("r", 1, AggregateFunction.RATE, 0, 500, 500, 0, List.of());
    assertThat(acc.result(halfSecond)).isEqualTo(new MetricValue.Scalar(240.0));
    assertThat(Accumulator.create(AggregateFunction.RATE).result(halfSecond))
        .isEqualTo(new MetricValue.Scalar(0.0));
  }
}
