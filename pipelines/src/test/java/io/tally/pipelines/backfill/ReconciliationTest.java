package io.tally.pipelines.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
  private static final Reconciliation EXACT = new Reconciliation(0);

  private static WindowUpdate window(
      AggregateFunction fn,
      String group,
      long start,
      long events,
      MetricValue value,
      boolean isFinal) {
    return new WindowUpdate(
        "m",
        1,
        fn,
        List.of("geo"),
        List.of(group),
        start,
        start + 60_000,
        value,
        events,
        Timing.ON_TIME,
        isFinal,
        0,
        null);
  }

  private static WindowUpdate count(String group, long start, long events) {
    return window(
        AggregateFunction.COUNT, group, start, events, new MetricValue.Scalar(events), true);
  }

  private static WindowUpdate distinct(long events, double estimate) {
    return window(
        AggregateFunction.DISTINCT, "US", 0, events, new MetricValue.Scalar(estimate), true);
  }

  @Test
  void equalWindowsAreNoDrift() {
    List<WindowUpdate> windows = List.of(count("US", 0, 10), count("CA", 0, 3));

    assertThat(EXACT.compareComplete("history", windows, List.copyOf(windows))).isEmpty();
  }

  @Test
  void missingExtraAndDifferingWindowsAreEachReported() {
    List<WindowUpdate> expected = List.of(count("US", 0, 10), count("CA", 0, 3), count("FR", 0, 5));
    List<WindowUpdate> actual = List.of(count("US", 0, 12), count("FR", 0, 5), count("DE", 0, 1));

    List<Drift> drifts = EXACT.compareComplete("history", expected, actual);

    assertThat(drifts)
        .extracting(Drift::kind, d -> d.group().get("geo"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(Drift.Kind.VALUE, "US"),
            org.assertj.core.groups.Tuple.tuple(Drift.Kind.MISSING, "CA"),
            org.assertj.core.groups.Tuple.tuple(Drift.Kind.EXTRA, "DE"));
    Drift value =
        drifts.stream().filter(d -> d.kind() == Drift.Kind.VALUE).findFirst().orElseThrow();
    assertThat(value.expected().events()).isEqualTo(10);
    assertThat(value.actual().events()).isEqualTo(12);
    assertThat(value.difference()).isCloseTo(2.0 / 12, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(value.describe()).contains("history: differs m v1 {geo=US}", "events 12 vs 10");
  }

  @Test
  void aToleranceAllowsSmallDifferencesOfExactMetrics() {
    Reconciliation tolerant = new Reconciliation(0.1);

    assertThat(
            tolerant.compareComplete(
                "history", List.of(count("US", 0, 100)), List.of(count("US", 0, 95))))
        .isEmpty();
    assertThat(
            tolerant.compareComplete(
                "history", List.of(count("US", 0, 100)), List.of(count("US", 0, 85))))
        .hasSize(1);
  }

  @Test
  void distinctCountsMayDifferWithinTheirErrorBoundButEventsMayNot() {
    assertThat(
            EXACT.compareComplete(
                "history", List.of(distinct(1000, 500)), List.of(distinct(1000, 505))))
        .isEmpty();
    assertThat(
            EXACT.compareComplete(
                "history", List.of(distinct(1000, 500)), List.of(distinct(1000, 520))))
        .hasSize(1);
    assertThat(
            EXACT.compareComplete(
                "history", List.of(distinct(1000, 500)), List.of(distinct(999, 500))))
        .hasSize(1);
  }

  @Test
  void rankingsMustBeEqual() {
    MetricValue ab =
        new MetricValue.Ranking(
            List.of(new MetricValue.RankedItem("a", 2), new MetricValue.RankedItem("b", 1)));
    MetricValue ba =
        new MetricValue.Ranking(
            List.of(new MetricValue.RankedItem("b", 2), new MetricValue.RankedItem("a", 1)));
    WindowUpdate expected = window(AggregateFunction.TOPK, "US", 0, 3, ab, true);

    assertThat(EXACT.compareComplete("history", List.of(expected), List.of(expected))).isEmpty();
    assertThat(
            EXACT.compareComplete(
                "history",
                List.of(expected),
                List.of(window(AggregateFunction.TOPK, "US", 0, 3, ba, true))))
        .singleElement()
        .extracting(Drift::difference)
        .isEqualTo(1.0);
  }

  @Test
  void aPartialTierIsOnlyComparedOnTheFinalWindowsItHolds() {
    List<WindowUpdate> expected = List.of(count("US", 0, 10), count("CA", 0, 3), count("FR", 0, 5));
    WindowUpdate open =
        window(AggregateFunction.COUNT, "FR", 0, 2, new MetricValue.Scalar(2), false);

    List<Drift> drifts = EXACT.comparePartial("hot", expected, List.of(count("US", 0, 9), open));

    assertThat(drifts)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.kind()).isEqualTo(Drift.Kind.VALUE);
              assertThat(d.tier()).isEqualTo("hot");
              assertThat(d.group()).containsEntry("geo", "US");
            });
  }

  @Test
  void aNegativeToleranceIsRefused() {
    assertThatThrownBy(() -> new Reconciliation(-0.1)).isInstanceOf(IllegalArgumentException.class);
  }
}
