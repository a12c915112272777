package io.tally.serving.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.util.Duration;
import io.tally.serving.TallyConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service does not seed the rule log with definitions beyond the dedup horizon's ceiling. */
class MetricsFileDedupHorizonTest {
  @Test
  void aMetricsFileBeyondTheCeilingIsRefusedAtStart(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("metrics.yaml"),
            """
            metrics:
              - name: daily_views
                aggregate: { fn: count }
                window: { size: 1d }
            """);
    TallyConfiguration config = new TallyConfiguration();
    config.setMetricsFile(file.toString());
    assertThat(config.getRules().getDedupHorizon()).isEqualTo(Duration.minutes(10));
    assertThatThrownBy(config::loadMetricCatalog)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("daily_views.window")
        .hasMessageContaining("ceiling of 10m")
        .hasMessageContaining("rules.dedupHorizon");

    config.getRules().setDedupHorizon(Duration.days(1));
    assertThat(config.loadMetricCatalog().size()).isEqualTo(1);
  }

  @Test
  void theBuiltInMetricsFitTheDefaultCeiling() {
    assertThat(new TallyConfiguration().loadMetricCatalog().size()).isEqualTo(3);
  }
}
