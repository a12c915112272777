package io.tally.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactCountsTest {

  /** The top {@code k} of plain counts, sorted the contract's way: count down, then value up. */
  private static List<MetricValue.RankedItem> expectedTop(Map<String, Long> counts, int k) {
    return counts.entrySet().stream()
        .map(e -> new MetricValue.RankedItem(e.getKey(), e.getValue()))
        .sorted(
            Comparator.comparingLong(MetricValue.RankedItem::count)
                .reversed()
                .thenComparing(MetricValue.RankedItem::key))
        .limit(k)
        .toList();
  }

  private static void add(ExactCounts counts, String item, long n) {
    counts.increment(counts.positionOf(item), n);
  }

  @Test
  void countsEveryValueAsAPlainMapWouldWhileTheTableGrows() {
    Random random = new Random(17);
    ExactCounts counts = new ExactCounts(1);
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      String item = "v" + random.nextInt(3_000);
      long n = 1 + random.nextInt(3);
      add(counts, item, n);
      expected.merge(item, n, Long::sum);
    }
    Map<String, Long> seen = new HashMap<>();
    counts.forEach((item, count) -> assertThat(seen.put(item, count)).isNull());
    assertThat(seen).isEqualTo(expected);
    assertThat(counts.size()).isEqualTo(expected.size());
    assertThat(counts.find("never seen")).isNegative();
  }

  @Test
  void rankingsFollowGrowingCountsOnceTracked() {
    Random random = new Random(23);
    ExactCounts counts = new ExactCounts(4);
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      // A skewed stream, so that leaders keep changing places and new values keep arriving.
      String item = "v" + (int) Math.abs(random.nextGaussian() * 40);
      add(counts, item, 1);
      expected.merge(item, 1L, Long::sum);
      if (i % 97 == 0) {
        assertThat(counts.top(5, 100)).isEqualTo(expectedTop(expected, 5));
      }
    }
    assertThat(counts.top(5, 100)).isEqualTo(expectedTop(expected, 5));
    assertThat(counts.top(12, 100))
        .as("another k ranks afresh")
        .isEqualTo(expectedTop(expected, 12));
    assertThat(counts.top(10_000, 100)).isEqualTo(expectedTop(expected, 10_000));
    assertThat(counts.top(0, 100)).isEmpty();
  }

  @Test
  void rankingAfreshAgreesWithSortingForAnyKAndManyTies() {
    Random random = new Random(7);
    ExactCounts counts = new ExactCounts(4);
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      String item = "v" + random.nextInt(1_000_000);
      long n = 1 + random.nextInt(5); // few distinct counts: ties everywhere
      add(counts, item, n);
      expected.merge(item, n, Long::sum);
    }
    for (int k : new int[] {1, 2, 7, 50, expected.size() - 1, expected.size(), 600}) {
      // A copy has no leaders, and a maxTracked of 0 keeps it from tracking: each call ranks all.
      assertThat(counts.copy().top(k, 0)).as("k = %d", k).isEqualTo(expectedTop(expected, k));
    }
  }

  @Test
  void tiesRankByValue() {
    ExactCounts counts = new ExactCounts(8);
    for (String item : List.of("c", "b", "a", "d")) {
      add(counts, item, 2);
    }
    add(counts, "e", 1);
    assertThat(counts.top(3, 100).stream().map(MetricValue.RankedItem::key))
        .containsExactly("a", "b", "c");
    add(counts, "d", 1);
    assertThat(counts.top(3, 100).stream().map(MetricValue.RankedItem::key))
        .containsExactly("d", "a", "b");
  }

  @Test
  void aCopyIsIndependent() {
    ExactCounts counts = new ExactCounts(2);
    add(counts, "x", 3);
    add(counts, "y", 1);
    counts.top(1, 100);
    ExactCounts copy = counts.copy();
    add(copy, "y", 5);
    add(copy, "z", 1);
    assertThat(counts.top(1, 100)).containsExactly(new MetricValue.RankedItem("x", 3));
    assertThat(counts.size()).isEqualTo(2);
    assertThat(copy.top(2, 100))
        .containsExactly(new MetricValue.RankedItem("y", 6), new MetricValue.RankedItem("x", 3));
    List<String> order = new ArrayList<>();
    copy.forEach((item, count) -> order.add(item));
    assertThat(order).as("first arrival order").containsExactly("x", "y", "z");
  }
}
