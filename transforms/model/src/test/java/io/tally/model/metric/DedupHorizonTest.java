package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tally.model.metric.InvalidDefinitionException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class DedupHorizonTest {
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;

  @Test
  void aMetricNeedsItsWindowPlusItsLateness() throws Exception {
    MetricDefinition hopping =
        Definitions.of(
            "{name: m, aggregate: {fn: count}, window: {size: 5m, slide: 1m},"
                + " allowedLateness: 2m}");
    assertThat(hopping.dedupHorizonNeededMillis()).isEqualTo(7 * MINUTE);
    assertThat(hopping.spec().dedupHorizonNeededMillis()).isEqualTo(7 * MINUTE);
    assertThat(DedupHorizon.neededMillis(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theBuiltInMetricsFitTheDefaultCeiling() throws Exception {
    DedupHorizon.check(MetricCatalog.defaults(), 10 * MINUTE);
    assertThat(DedupHorizon.neededMillis(MetricCatalog.defaults())).isEqualTo(6 * MINUTE);
  }

  @Test
  void aDefinitionBeyondTheCeilingIsRefusedNamingTheFieldTheNeedAndHowToRaiseIt() throws Exception {
    MetricDefinition daily =
        Definitions.of(
            "{name: daily, aggregate: {fn: count}, window: {size: 1d}, allowedLateness: 6h}");
    Problem window = DedupHorizon.problem(daily, 10 * MINUTE).orElseThrow();
    assertThat(window.field()).isEqualTo("window");
    assertThat(window.message())
        .contains("30h", "10m", "--dedupHorizon", "rules.dedupHorizon", "counted twice");

    MetricDefinition lateHourly =
        Definitions.of(
            "{name: hourly, aggregate: {fn: count}, window: {size: 1h}, allowedLateness: 30m}");
    assertThat(DedupHorizon.problem(lateHourly, HOUR).orElseThrow().field())
        .isEqualTo("allowedLateness");
    assertThat(DedupHorizon.problem(lateHourly, 90 * MINUTE)).isEmpty();

    InvalidDefinitionException e =
        catchThrowableOfType(
            InvalidDefinitionException.class,
            () -> DedupHorizon.check(MetricCatalog.of(daily, lateHourly), HOUR));
    assertThat(e.problems())
        .extracting(Problem::field)
        .containsExactly("daily.window", "hourly.allowedLateness");
  }

  @Test
  void theEffectiveHorizonIsTheLongestAnyVersionNeedsAtMostTheCeiling() throws Exception {
    MetricDefinition minute =
        Definitions.of("{name: m, aggregate: {fn: count}, window: {size: 1m}}");
    MetricDefinition hour =
        Definitions.of("{name: m, aggregate: {fn: count}, window: {size: 1h}}").withVersion(2);
    // The hour-long version was replaced by a deletion: its windows may still be open.
    MetricCatalog changed =
        MetricCatalog.ofHistories(
            List.of(
                List.of(
                    MetricVersion.of(minute, MetricVersion.ALWAYS),
                    MetricVersion.of(hour, 1_000),
                    MetricVersion.deletion("m", 3, 2_000))));
    // Twice the longest need (the hour), within the ceiling.
    assertThat(DedupHorizon.effectiveMillis(changed, 3 * HOUR)).isEqualTo(2 * HOUR);
    assertThat(DedupHorizon.effectiveMillis(changed, 90 * MINUTE)).isEqualTo(90 * MINUTE);
    assertThat(DedupHorizon.effectiveMillis(MetricCatalog.of(minute), 2 * HOUR))
        .isEqualTo(2 * MINUTE);
    // Without definitions, the ceiling: the archive is still de-duplicated.
    assertThat(DedupHorizon.effectiveMillis(MetricCatalog.of(), 2 * HOUR)).isEqualTo(2 * HOUR);
  }
}
