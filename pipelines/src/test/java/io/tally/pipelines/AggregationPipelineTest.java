package io.tally.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pipeline accepts to start with. */
class AggregationPipelineTest {
  private static final String HOURLY =
      """
      metrics:
        - name: views
          aggregate: { fn: count }
          window: { size: 1m }
        - name: hourly_views
          aggregate: { fn: count }
          window: { size: 1h }
          allowedLateness: 10m
      """;

  private static TallyPipelineOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(TallyPipelineOptions.class);
  }

  @Test
  void aMetricsFileBeyondTheDedupCeilingIsRefusedAtStart(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("metrics.yaml"), HOURLY);
    InvalidDefinitionException e =
        catchThrowableOfType(
            InvalidDefinitionException.class,
            () -> AggregationPipeline.catalog(options("--metricsFile=" + file)));
    assertThat(e).isNotNull();
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("hourly_views.window");
              assertThat(p.message())
                  .contains("70m", "10m", "--dedupHorizon", "rules.dedupHorizon");
            });

    MetricCatalog raised =
        AggregationPipeline.catalog(options("--metricsFile=" + file, "--dedupHorizon=70m"));
    assertThat(raised.size()).isEqualTo(2);
  }

  @Test
  void theBuiltInMetricsFitTheDefaultCeiling() throws Exception {
    assertThat(options().getDedupHorizon()).isEqualTo("10m");
    assertThat(AggregationPipeline.catalog(options()).size()).isEqualTo(3);
  }
}
