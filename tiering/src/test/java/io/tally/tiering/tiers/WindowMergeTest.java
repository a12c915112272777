package io.tally.tiering.tiers;

import static io.tally.tiering.tiers.TierWindows.HOUR;
import static io.tally.tiering.tiers.TierWindows.MINUTE;
import static io.tally.tiering.tiers.TierWindows.T0;
import static io.tally.tiering.tiers.TierWindows.accumulate;
import static io.tally.tiering.tiers.TierWindows.spec;
import static io.tally.tiering.tiers.TierWindows.window;
import static io.tally.tiering.tiers.TierWindows.withoutAccumulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.Resolution;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowMergeTest {
  private static final MetricSpec COUNT = spec(AggregateFunction.COUNT, MINUTE, MINUTE);

  @Test
  void theSameWindowFromSeveralTiersCountsOnceAtItsLatestState() {
    WindowUpdate early = window(COUNT, "US", T0, false, "a", "b");
    WindowUpdate last = window(COUNT, "US", T0, true, "a", "b", "c");
    WindowUpdate other = window(COUNT, "CA", T0, false, "x");

    assertThat(WindowMerge.latest(List.of(last), List.of(early, other)))
        .containsExactlyInAnyOrder(last, other);
    assertThat(WindowMerge.latest(List.of(early, other), List.of(last)))
        .containsExactlyInAnyOrder(last, other);
  }

  @Test
  void windowsOfOtherVersionsOrSizesAreOtherWindows() {
    WindowUpdate v1 = window(COUNT, "US", T0, true, "a");
    WindowUpdate v2 =
        window(
            new MetricSpec("m", 2, AggregateFunction.COUNT, 0, MINUTE, MINUTE, 0, List.of("geo")),
            "US",
            T0,
            true,
            "a",
            "b");
    assertThat(WindowMerge.latest(List.of(v1), List.of(v2))).containsExactlyInAnyOrder(v1, v2);
  }

  @Test
  void finalTilesMergeByTheirAccumulatorsExactlyAsOneWindowWould() {
    MetricSpec distinct = spec(AggregateFunction.DISTINCT, MINUTE, MINUTE);
    List<WindowUpdate> minutes =
        List.of(
            window(distinct, "US", T0, true, "u1", "u2"),
            window(distinct, "US", T0 + MINUTE, true, "u2", "u3"),
            window(distinct, "US", T0 + 59 * MINUTE, true, "u4"));

    WindowMerge.Coarsened hours = WindowMerge.coarsen(minutes, distinct, Resolution.HOUR);

    assertThat(hours.leftOut()).isEmpty();
    assertThat(hours.windows())
        .singleElement()
        .satisfies(
            hour -> {
              assertThat(hour.startMillis()).isEqualTo(T0);
              assertThat(hour.endMillis()).isEqualTo(T0 + HOUR);
              assertThat(hour.value()).isEqualTo(new MetricValue.Scalar(4));
              assertThat(hour.events()).isEqualTo(5);
              assertThat(hour.isFinal()).isTrue();
              assertThat(hour.accumulator()).isNotNull();
            });
  }

  @Test
  void topKTilesMergeTheirSketchesAndRankAgain() {
    MetricSpec topk = spec(AggregateFunction.TOPK, MINUTE, MINUTE);
    List<WindowUpdate> minutes =
        List.of(
            window(topk, "US", T0, true, "a", "b", "b"),
            window(topk, "US", T0 + MINUTE, true, "a", "a", "c"));

    WindowUpdate hour = WindowMerge.coarsen(minutes, topk, Resolution.HOUR).windows().get(0);

    MetricSpec hourSpec = spec(AggregateFunction.TOPK, HOUR, HOUR);
    assertThat(hour.value())
        .isEqualTo(
            accumulate(AggregateFunction.TOPK, "a", "b", "b", "a", "a", "c").result(hourSpec));
  }

  @Test
  void countSumAndRateMergeTheirValuesWhenTilesHaveNoAccumulator() {
    for (AggregateFunction fn :
        List.of(AggregateFunction.COUNT, AggregateFunction.SUM, AggregateFunction.RATE)) {
      MetricSpec spec = spec(fn, MINUTE, MINUTE);
      List<WindowUpdate> minutes =
          List.of(
              withoutAccumulator(window(spec, "US", T0, true, "a", "bb")),
              window(spec, "US", T0 + MINUTE, false, "ccc"));

      WindowUpdate hour = WindowMerge.coarsen(minutes, spec, Resolution.HOUR).windows().get(0);

      MetricValue direct = accumulate(fn, "a", "bb", "ccc").result(spec(fn, HOUR, HOUR));
      assertThat(hour.value()).as(fn.wireName()).isEqualTo(direct);
      assertThat(hour.events()).isEqualTo(3);
      assertThat(hour.isFinal()).as("its last minute has not come yet").isFalse();
      assertThat(hour.accumulator()).isNull();
    }
  }

  @Test
  void distinctAndTopKCannotMergeWindowsWithoutAccumulatorsAndSaySo() {
    MetricSpec distinct = spec(AggregateFunction.DISTINCT, MINUTE, MINUTE);
    List<WindowUpdate> minutes =
        List.of(
            window(distinct, "US", T0, true, "u1"),
            window(distinct, "US", T0 + MINUTE, false, "u1", "u2"),
            window(distinct, "CA", T0, true, "u9"));

    WindowMerge.Coarsened hours = WindowMerge.coarsen(minutes, distinct, Resolution.HOUR);

    assertThat(hours.windows())
        .singleElement()
        .satisfies(w -> assertThat(w.group()).containsExactly("CA"));
    assertThat(hours.leftOut())
        .singleElement()
        .satisfies(
            missing -> {
              assertThat(missing.group()).containsExactly("US");
              assertThat(missing.startMillis()).isEqualTo(T0);
              assertThat(missing.reason()).contains("final windows only");
            });
  }

  @Test
  void hoppingWindowsContributeOnlyTheirAlignedTiles() {
    MetricSpec hopping = spec(AggregateFunction.COUNT, 5 * MINUTE, MINUTE);
    List<WindowUpdate> windows =
        List.of(
            window(hopping, "US", T0, true, "a", "b"),
            window(hopping, "US", T0 + MINUTE, true, "b", "c"), // overlaps the first: not a tile
            window(hopping, "US", T0 + 5 * MINUTE, true, "d"));

    WindowUpdate hour = WindowMerge.coarsen(windows, hopping, Resolution.HOUR).windows().get(0);

    assertThat(hour.events()).isEqualTo(3);
  }

  @Test
  void windowsThatDoNotTileTheResolutionAreRefused() {
    assertThatThrownBy(
            () ->
                WindowMerge.coarsen(
                    List.of(),
                    spec(AggregateFunction.COUNT, 7 * MINUTE, 7 * MINUTE),
                    Resolution.HOUR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not divide");
    assertThatThrownBy(
            () ->
                WindowMerge.coarsen(
                    List.of(),
                    spec(AggregateFunction.COUNT, 5 * MINUTE, 2 * MINUTE),
                    Resolution.DAY))
        .hasMessageContaining("do not tile");
  }

  @Test
  void windowsOfAnEarlierVersionAreLeftOutWithTheReason() {
    MetricSpec v2 =
        new MetricSpec("m", 2, AggregateFunction.COUNT, 0, MINUTE, MINUTE, 0, List.of("geo"));
    WindowMerge.Coarsened hours =
        WindowMerge.coarsen(
            List.of(window(COUNT, "US", T0, true, "a"), window(v2, "US", T0, true, "b")),
            v2,
            Resolution.HOUR);

    assertThat(hours.windows())
        .singleElement()
        .satisfies(w -> assertThat(w.version()).isEqualTo(2));
    assertThat(hours.leftOut())
        .singleElement()
        .satisfies(missing -> assertThat(missing.version()).isEqualTo(1));
  }
}
