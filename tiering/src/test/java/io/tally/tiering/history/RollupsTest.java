package io.tally.tiering.history;

import static io.tally.tiering.history.HistoryRows.HOUR;
import static io.tally.tiering.history.HistoryRows.MINUTE;
import static io.tally.tiering.history.HistoryRows.T0;
import static io.tally.tiering.history.HistoryRows.accumulate;
import static io.tally.tiering.history.HistoryRows.spec;
import static io.tally.tiering.history.HistoryRows.specs;
import static io.tally.tiering.history.HistoryRows.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollupsTest {

  private static HistoryRow row(WindowUpdate update, long slide, int k) {
    MetricSpec spec =
        spec(update.metric(), update.fn(), k, update.endMillis() - update.startMillis(), slide);
    return HistoryRow.of(update, specs(spec), 1);
  }

  @Test
  void anHourIsTheMergeOfItsMinutesPerGroup() {
    List<HistoryRow> rows = new ArrayList<>();
    List<String> usItems = new ArrayList<>();
    for (int m = 0; m < 60; m += 7) {
      String[] items = {"u" + m, "u" + (m % 3), "shared"};
      usItems.addAll(List.of(items));
      rows.add(
          row(
              update("users", AggregateFunction.DISTINCT, "US", T0 + m * MINUTE, MINUTE, 0, items),
              MINUTE,
              0));
    }
    rows.add(
        row(update("users", AggregateFunction.DISTINCT, "CA", T0, MINUTE, 0, "a", "b"), MINUTE, 0));
    // The next hour is its own window.
    rows.add(
        row(
            update("users", AggregateFunction.DISTINCT, "US", T0 + HOUR, MINUTE, 0, "z"),
            MINUTE,
            0));

    Rollups.Outcome outcome = Rollups.rollUp(rows, HOUR, 7);

    assertThat(outcome.skipped()).isEmpty();
    assertThat(outcome.rows()).hasSize(3);
    HistoryRow us =
        outcome.rows().stream()
            .filter(r -> r.group().equals(List.of("US")) && r.startMillis() == T0)
            .findFirst()
            .orElseThrow();
    Accumulator direct = accumulate(AggregateFunction.DISTINCT, usItems.toArray(new String[0]));
    assertThat(us.endMillis()).isEqualTo(T0 + HOUR);
    assertThat(us.slideMillis()).isEqualTo(HOUR);
    assertThat(us.events()).isEqualTo(direct.events());
    assertThat(us.toUpdate().accumulator()).isEqualTo(direct);
    assertThat(us.value())
        .isEqualTo(
            ((MetricValue.Scalar)
                    direct.result(spec("users", AggregateFunction.DISTINCT, 0, HOUR, HOUR)))
                .value());
    assertThat(us.writtenAt()).isEqualTo(7);
  }

  @Test
  void ratesAreRecomputedOverTheCoarserWindowAndTopKKeepsK() {
    List<HistoryRow> rows = new ArrayList<>();
    rows.add(row(update("rps", AggregateFunction.RATE, "US", T0, MINUTE, 0, "a", "b"), MINUTE, 0));
    rows.add(
        row(update("rps", AggregateFunction.RATE, "US", T0 + MINUTE, MINUTE, 0, "c"), MINUTE, 0));
    rows.add(row(update("top", AggregateFunction.TOPK, "US", T0, MINUTE, 2, "x", "y"), MINUTE, 2));
    rows.add(
        row(
            update("top", AggregateFunction.TOPK, "US", T0 + MINUTE, MINUTE, 2, "y", "z", "z"),
            MINUTE,
            2));

    List<HistoryRow> out = Rollups.rollUp(rows, HOUR, 1).rows();

    HistoryRow rate = out.stream().filter(r -> r.metric().equals("rps")).findFirst().orElseThrow();
    assertThat(rate.events()).isEqualTo(3);
    assertThat(rate.value()).isEqualTo(3 * 1000.0 / HOUR);
    HistoryRow top = out.stream().filter(r -> r.metric().equals("top")).findFirst().orElseThrow();
    assertThat(top.k()).isEqualTo(2);
    assertThat(top.toUpdate().value())
        .isEqualTo(
            new MetricValue.Ranking(
                List.of(new MetricValue.RankedItem("y", 2), new MetricValue.RankedItem("z", 2))));
  }

  @Test
  void hoppingWindowsThatTileContributeOnlyTheirTiles() {
    // 5-minute windows every minute: the windows at :00, :05, ... tile the hour.
    List<HistoryRow> rows = new ArrayList<>();
    for (int m = 0; m < 10; m++) {
      rows.add(
          row(
              update("hop", AggregateFunction.COUNT, "US", T0 + m * MINUTE, 5 * MINUTE, 0, "e" + m),
              MINUTE,
              0));
    }
    List<HistoryRow> out = Rollups.rollUp(rows, HOUR, 1).rows();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).events()).isEqualTo(2); // the tiles at :00 and :05
  }

  @Test
  void windowsThatDoNotTileAreSkippedWithTheReason() {
    List<HistoryRow> rows = new ArrayList<>();
    rows.add(
        row(update("seven", AggregateFunction.COUNT, "US", T0, 7 * MINUTE, 0, "a"), 7 * MINUTE, 0));
    rows.add(
        row(update("gappy", AggregateFunction.COUNT, "US", T0, 5 * MINUTE, 0, "a"), 2 * MINUTE, 0));
    rows.add(
        HistoryRow.of(
            update("unknown", AggregateFunction.COUNT, "US", T0, MINUTE, 0, "a"),
            MetricSpecs.none(),
            1));

    Rollups.Outcome outcome = Rollups.rollUp(rows, HOUR, 1);

    assertThat(outcome.rows()).isEmpty();
    assertThat(outcome.skipped())
        .containsOnlyKeys("seven v1", "gappy v1", "unknown v1")
        .hasEntrySatisfying("seven v1", why -> assertThat(why).contains("does not divide"))
        .hasEntrySatisfying("gappy v1", why -> assertThat(why).contains("do not tile"))
        .hasEntrySatisfying("unknown v1", why -> assertThat(why).contains("slide unknown"));
  }

  @Test
  void daysRollUpFromHoursAndFromWindowsLargerThanAnHour() {
    List<HistoryRow> hours = new ArrayList<>();
    hours.add(
        row(
            update("views", AggregateFunction.COUNT, "US", T0 - 21 * HOUR, HOUR, 0, "a", "b"),
            HOUR,
            0));
    hours.add(
        row(update("views", AggregateFunction.COUNT, "US", T0 + 4 * HOUR, HOUR, 0, "c"), HOUR, 0));
    hours.add(
        row(
            update(
                "six", AggregateFunction.SUM, "US", T0 - 21 * HOUR + 6 * HOUR, 6 * HOUR, 0, "abc"),
            6 * HOUR,
            0));
    List<HistoryRow> days = Rollups.rollUp(hours, 24 * HOUR, 1).rows();
    assertThat(days)
        .extracting(HistoryRow::metric, HistoryRow::events, HistoryRow::startMillis)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("views", 2L, T0 - 21 * HOUR),
            org.assertj.core.groups.Tuple.tuple("views", 1L, T0 + 3 * HOUR),
            org.assertj.core.groups.Tuple.tuple("six", 1L, T0 - 21 * HOUR));
  }
}
