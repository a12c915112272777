package io.tally.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.metric.Definitions;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricVersion;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** How long de-duplication remembers, as the definitions change. */
class DeduplicateEventsTest {
  private static final long MINUTE = 60_000;
  private static final AtomicReference<MetricCatalog> CATALOG = new AtomicReference<>();

  private static MetricDefinition definition(String name, String window, long version) {
    return Definitions.of("{name: " + name + ", aggregate: {fn: count}, " + window + "}", version);
  }

  @Test
  void theHorizonGrowsWithTheDefinitionsUpToTheCeilingAndNeverShrinks() throws Exception {
    MetricDefinition minute = definition("views", "window: {size: 1m}", 1);
    MetricDefinition hour = definition("views", "window: {size: 1h}, allowedLateness: 10m", 2);
    MetricDefinition day = definition("daily", "window: {size: 1d}", 1);
    DeduplicateEvents.FirstArrivalFn fn =
        new DeduplicateEvents.FirstArrivalFn(Duration.standardHours(3), CATALOG::get);

    // Twice what the definitions need (see DedupHorizon.effectiveMillis).
    CATALOG.set(MetricCatalog.of(minute));
    assertThat(fn.horizonMillis()).isEqualTo(2 * MINUTE);

    // A longer version, in force from a later event time, extends the memory at once.
    CATALOG.set(
        MetricCatalog.ofHistories(
            List.of(
                List.of(
                    MetricVersion.of(minute, MetricVersion.ALWAYS),
                    MetricVersion.of(hour, 1_000)))));
    assertThat(fn.horizonMillis()).isEqualTo(140 * MINUTE);

    // Back to the short one alone: the hour-long windows may still be open.
    CATALOG.set(MetricCatalog.of(minute));
    assertThat(fn.horizonMillis()).isEqualTo(140 * MINUTE);

    // Never beyond the ceiling.
    CATALOG.set(MetricCatalog.of(minute, day));
    assertThat(fn.horizonMillis()).isEqualTo(180 * MINUTE);
  }

  @Test
  void aFixedHorizonIgnoresDefinitionsAndBucketsFollowTheCeiling() {
    assertThat(
            new DeduplicateEvents.FirstArrivalFn(Duration.standardMinutes(10), null)
                .horizonMillis())
        .isEqualTo(10 * MINUTE);
    assertThat(DeduplicateEvents.FirstArrival.bucketMillis(0)).isEqualTo(1_000);
    assertThat(DeduplicateEvents.FirstArrival.bucketMillis(MINUTE)).isEqualTo(6_000);
    assertThat(DeduplicateEvents.FirstArrival.bucketMillis(10 * MINUTE)).isEqualTo(MINUTE);
    assertThat(DeduplicateEvents.FirstArrival.bucketMillis(120 * MINUTE)).isEqualTo(MINUTE);
  }
}
