package io.tally.pipelines.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillTest {

  @Test
  void theReadRangeReachesTheEndOfTheLastWindowThatStartsInTheRange() {
    // The examples: 1-minute windows and 5-minute windows sliding by a minute.
    Backfill.Plan plan = new Backfill.Plan(MetricCatalog.defaults(), new TimeRange(0, 3_600_000));

    assertThat(plan.readRange()).isEqualTo(new TimeRange(0, 3_600_000 + 300_000));
  }

  @Test
  void metricsAreSelectedByNameAndUnknownOnesAreNamed() {
    MetricCatalog catalog = MetricCatalog.defaults();

    assertThat(Backfill.select(catalog, List.of("events_by_category")).definitions())
        .extracting(MetricDefinition::name)
        .containsExactly("events_by_category");
    assertThat(Backfill.select(catalog, List.of()).size()).isEqualTo(catalog.size());
    assertThatThrownBy(
            () -> Backfill.select(catalog, List.of("events_by_category", "nope", "nada")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown metric(s) nope, nada; defined: ");
  }

  @Test
  void aRangeMustEndAfterItStarts() {
    assertThatThrownBy(() -> new TimeRange(10, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void slicesCoverTheRangeOnce() {
    ReadEventArchive read =
        ReadEventArchive.of(() -> null, new TimeRange(0, 250)).withSliceMillis(100);

    assertThat(read.sliceStarts()).containsExactly(0L, 100L, 200L);
  }
}
