package io.tally.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.MetricValue.RankedItem;
import io.tally.model.metric.AggregateFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKAccumulatorTest {

  private static TopKAccumulator of(String... items) {
    TopKAccumulator acc = new TopKAccumulator();
    for (String item : items) {
      acc.add(1, item);
    }
    return acc;
  }

  private static RankedItem r(String key, long count) {
    return new RankedItem(key, count);
  }

  /** The documented bound on a sketch count's error: 3.5 / 32768 of the counted items. */
  private static double errorBound(long n) {
    return 3.5 * n / 32_768;
  }

  @Test
  void exactCountsLargestFirstTiesByKey() {
    TopKAccumulator acc = of("b", "a", "c", "a", "b", "d", "a", "c", "e", "e", "a", "a", "b");
    // a=5, b=3, c=2, e=2, d=1
    assertThat(acc.top(10)).containsExactly(r("a", 5), r("b", 3), r("c", 2), r("e", 2), r("d", 1));
    assertThat(acc.top(3)).containsExactly(r("a", 5), r("b", 3), r("c", 2));
    assertThat(acc.top(1)).containsExactly(r("a", 5));
    assertThat(acc.result(Streams.spec(AggregateFunction.TOPK, 2)))
        .isEqualTo(new MetricValue.Ranking(List.of(r("a", 5), r("b", 3))));
    assertThat(acc.events()).isEqualTo(13);
    assertThat(acc.isExact()).isTrue();
  }

  @Test
  void tiesAreOrderedByKeyAscendingWhateverTheArrivalOrder() {
    List<String> items = new ArrayList<>();
    for (String key : List.of("zeta", "alpha", "Mu", "beta", "alpha2", "10", "9")) {
      items.add(key);
      items.add(key);
    }
    for (long seed = 0; seed < 10; seed++) {
      Collections.shuffle(items, new Random(seed));
      assertThat(of(items.toArray(String[]::new)).top(4))
          .containsExactly(r("10", 2), r("9", 2), r("Mu", 2), r("alpha", 2));
    }
  }

  @Test
  void nullItemsCountAsEventsOnly() {
    TopKAccumulator acc = of("x", null, null);
    assertThat(acc.top(10)).containsExactly(r("x", 1));
    assertThat(acc.events()).isEqualTo(3);
    assertThat(new TopKAccumulator().top(10)).isEmpty();
  }

  @Test
  void exactUpTo10000DistinctKeys() {
    TopKAccumulator acc = new TopKAccumulator();
    Map<String, Long> truth = new HashMap<>();
    Random random = new Random(3);
    for (int i = 0; i < TopKAccumulator.EXACT_LIMIT; i++) {
      int count = 1 + random.nextInt(5);
      for (int c = 0; c < count; c++) {
        acc.add(1, "k" + i);
      }
      truth.put("k" + i, (long) count);
    }
    assertThat(acc.isExact()).isTrue();
    List<RankedItem> all = acc.top(Integer.MAX_VALUE);
    assertThat(all).hasSize(TopKAccumulator.EXACT_LIMIT);
    for (RankedItem item : all) {
      assertThat(item.count()).isEqualTo(truth.get(item.key()));
    }
    acc.add(1, "k0"); // a known key keeps it exact
    assertThat(acc.isExact()).isTrue();
    acc.add(1, "one-too-many");
    assertThat(acc.isExact()).isFalse();
  }

  /**
   * Ten heavy hitters among 60,000 keys seen once, so that the sketch must purge: the heavy hitters
   * still rank first, in order, with counts within the documented error.
   */
  @Test
  void sketchKeepsTheHeavyHitters() {
    List<String> stream = new ArrayList<>();
    Map<String, Long> heavy = new HashMap<>();
    for (int h = 0; h < 10; h++) {
      long count = 3_000 - 200L * h;
      heavy.put("heavy-" + h, count);
      for (int c = 0; c < count; c++) {
        stream.add("heavy-" + h);
      }
    }
    for (int i = 0; i < 60_000; i++) {
      stream.add("tail-" + i);
    }
    Collections.shuffle(stream, new Random(5));
    TopKAccumulator acc = new TopKAccumulator();
    stream.forEach(item -> acc.add(1, item));

    assertThat(acc.isExact()).isFalse();
    assertThat(acc.events()).isEqualTo(stream.size());
    List<RankedItem> top = acc.top(10);
    assertThat(top)
        .extracting(RankedItem::key)
        .containsExactly(
            "heavy-0", "heavy-1", "heavy-2", "heavy-3", "heavy-4", "heavy-5", "heavy-6", "heavy-7",
            "heavy-8", "heavy-9");
    double bound = errorBound(stream.size());
    for (RankedItem item : top) {
      assertThat((double) item.count())
          .as(item.key())
          .isCloseTo(heavy.get(item.key()), org.assertj.core.data.Offset.offset(bound));
    }
    // whatever else is listed after them is within the bound of its true count (1)
    for (RankedItem item : acc.top(1_000)) {
      if (item.key().startsWith("tail-")) {
        assertThat((double) item.count()).isLessThanOrEqualTo(1 + bound);
      }
    }
  }

  /**
   * Early panes ask for the ranking again and again while counts grow: every answer equals a
   * ranking computed from scratch, through ties, overtakes, merges and a change of k.
   */
  @Test
  void repeatedRankingsFollowGrowingCounts() {
    Random random = new Random(11);
    TopKAccumulator tracked = new TopKAccumulator();
    for (int step = 0; step < 20_000; step++) {
      // Skewed: low keys are frequent, so leaders overtake each other and newcomers tie them.
      int key = (int) Math.floor(Math.pow(random.nextDouble(), 3) * 300);
      tracked.add(1, "k" + key);
      if (step % 500 == 250) {
        TopKAccumulator other = of("k" + random.nextInt(300), "k" + random.nextInt(300), "k299");
        tracked.merge(other);
      }
      if (step % 37 == 0) {
        int k = step < 10_000 ? 10 : 3;
        assertThat(tracked.top(k)).as("step %d", step).isEqualTo(tracked.copy().top(k));
      }
    }
  }

  @Test
  void mergingExactAccumulatorsPastTheLimitSwitchesToTheSketch() {
    TopKAccumulator a = new TopKAccumulator();
    TopKAccumulator b = new TopKAccumulator();
    for (int i = 0; i < 6_000; i++) {
      a.add(1, "a-" + i);
      b.add(1, "b-" + i);
    }
    for (int i = 0; i < 500; i++) {
      a.add(1, "hot");
      b.add(1, "hot");
      b.add(1, "warm");
    }
    assertThat(a.isExact()).isTrue();
    assertThat(b.isExact()).isTrue();
    a.merge(b);
    assertThat(a.isExact()).isFalse();
    assertThat(a.events()).isEqualTo(13_500);
    List<RankedItem> top = a.top(2);
    assertThat(top).extracting(RankedItem::key).containsExactly("hot", "warm");
    assertThat((double) top.get(0).count())
        .isCloseTo(1_000, org.assertj.core.data.Offset.offset(errorBound(13_500)));
    assertThat((double) top.get(1).count())
        .isCloseTo(500, org.assertj.core.data.Offset.offset(errorBound(13_500)));
  }

  @Test
  void mergingSketchIntoExactAndExactIntoSketch() {
    TopKAccumulator sketch = new TopKAccumulator();
    for (int i = 0; i <= TopKAccumulator.EXACT_LIMIT; i++) {
      sketch.add(1, "s-" + i);
    }
    for (int i = 0; i < 300; i++) {
      sketch.add(1, "x");
    }
    assertThat(sketch.isExact()).isFalse();
    TopKAccumulator exact = of("x", "x", "y");

    TopKAccumulator exactThenSketch = exact.copy();
    exactThenSketch.merge(sketch.copy());
    TopKAccumulator sketchThenExact = sketch.copy();
    sketchThenExact.merge(exact.copy());

    for (TopKAccumulator merged : List.of(exactThenSketch, sketchThenExact)) {
      assertThat(merged.isExact()).isFalse();
      assertThat(merged.events()).isEqualTo(sketch.events() + 3);
      RankedItem first = merged.top(1).get(0);
      assertThat(first.key()).isEqualTo("x");
      assertThat((double) first.count())
          .isCloseTo(302, org.assertj.core.data.Offset.offset(errorBound(merged.events())));
    }
  }

  @Test
  void sketchCopyIsIndependent() {
    TopKAccumulator original = new TopKAccumulator();
    for (int i = 0; i < 20_000; i++) {
      original.add(1, "k-" + (i % 15_000));
    }
    assertThat(original.isExact()).isFalse();
    List<RankedItem> before = original.top(20);
    TopKAccumulator copy = original.copy();
    assertThat(copy.top(20)).isEqualTo(before);
    assertThat(copy).isEqualTo(original);
    for (int i = 0; i < 1_000; i++) {
      copy.add(1, "new-hot");
    }
    assertThat(original.top(20)).isEqualTo(before);
    assertThat(original.events()).isEqualTo(20_000);
    assertThat(copy.top(1).get(0).key()).isEqualTo("new-hot");
  }
}
