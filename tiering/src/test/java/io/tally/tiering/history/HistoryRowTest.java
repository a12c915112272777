package io.tally.tiering.history;

import static io.tally.tiering.history.HistoryRows.MINUTE;
import static io.tally.tiering.history.HistoryRows.T0;
import static io.tally.tiering.history.HistoryRows.spec;
import static io.tally.tiering.history.HistoryRows.specs;
import static io.tally.tiering.history.HistoryRows.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRowTest {

  @Test
  void aFinalUpdateBecomesARowAndBackWithItsAccumulator() {
    WindowUpdate sum =
        update("revenue", AggregateFunction.SUM, "US", T0, MINUTE, 0, "a", "bb", "ccc");
    HistoryRow row =
        HistoryRow.of(sum, specs(spec("revenue", AggregateFunction.SUM, 0, MINUTE, MINUTE)), 42);
    assertThat(row.value()).isEqualTo(6.0);
    assertThat(row.events()).isEqualTo(3);
    assertThat(row.slideMillis()).isEqualTo(MINUTE);
    assertThat(row.writtenAt()).isEqualTo(42);

    WindowUpdate back = row.toUpdate();
    assertThat(back.value()).isEqualTo(new MetricValue.Scalar(6.0));
    assertThat(back.accumulator()).isEqualTo(sum.accumulator());
    assertThat(back.key()).isEqualTo(sum.key());
    assertThat(back.endMillis()).isEqualTo(sum.endMillis());
    assertThat(back.isFinal()).isTrue();
    assertThat(back.timing()).isEqualTo(Timing.ON_TIME);
    assertThat(back.groupMap()).containsEntry("geo", "US");
  }

  @Test
  void topKKeepsKFromTheSpecAndRanksFromTheAccumulatorWhenRead() {
    WindowUpdate top =
        update("top", AggregateFunction.TOPK, "US", T0, MINUTE, 2, "x", "y", "y", "z", "z", "z");
    HistoryRow row =
        HistoryRow.of(top, specs(spec("top", AggregateFunction.TOPK, 2, MINUTE, MINUTE)), 1);
    assertThat(row.k()).isEqualTo(2);
    assertThat(row.value()).isZero();
    assertThat(row.toUpdate().value())
        .isEqualTo(
            new MetricValue.Ranking(
                List.of(new MetricValue.RankedItem("z", 3), new MetricValue.RankedItem("y", 2))));
  }

  @Test
  void withoutASpecTheSlideIsUnknownAndKIsTheRankingsLength() {
    WindowUpdate top = update("top", AggregateFunction.TOPK, "US", T0, MINUTE, 2, "x", "y", "y");
    HistoryRow row = HistoryRow.of(top, MetricSpecs.none(), 1);
    assertThat(row.slideMillis()).isZero();
    assertThat(row.k()).isEqualTo(2);
    // A spec for another window size is not this metric version's.
    HistoryRow other =
        HistoryRow.of(top, specs(spec("top", AggregateFunction.TOPK, 5, 2 * MINUTE, MINUTE)), 1);
    assertThat(other.slideMillis()).isZero();
  }

  @Test
  void refusesUpdatesThatAreNotFinal() {
    WindowUpdate fin = update("views", AggregateFunction.COUNT, "US", T0, MINUTE, 0, "a");
    WindowUpdate early =
        new WindowUpdate(
            fin.metric(),
            fin.version(),
            fin.fn(),
            fin.groupBy(),
            fin.group(),
            fin.startMillis(),
            fin.endMillis(),
            fin.value(),
            fin.events(),
            Timing.EARLY,
            false,
            0,
            null);
    assertThatThrownBy(() -> HistoryRow.of(early, MetricSpecs.none(), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("final");
  }
}
