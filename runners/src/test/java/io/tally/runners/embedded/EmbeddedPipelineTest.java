package io.tally.runners.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.sinks.LogDeadLetters;
import io.tally.pipelines.sinks.WriteToHotStore;
import io.tally.pipelines.synthetic.SyntheticEventSource;
import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import io.tally.tiering.hot.WindowQuery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The embedded wiring on the Direct runner: synthetic source → core → in-memory hot store. */
class EmbeddedPipelineTest {
  private final String store = "embedded-test-" + System.nanoTime();

  @AfterEach
  void forgetStore() {
    SharedHotStores.remove(store);
  }

  @Test
  void storedCountsOfABoundedStreamEqualItsDistinctEvents() {
    int events = 5_000;
    // 25 events per event-second: the stream spans ~3 minutes, so several 1-minute windows.
    SyntheticSettings settings =
        SyntheticSettings.defaults().withCategories(40).withSimulatedRate(25).withMaxEvents(events);
    SyntheticEvents truth = SyntheticEvents.of(settings);

    TallyPipelineOptions options = PipelineLaunch.options("DirectRunner", 2, List.of());
    Pipeline pipeline = Pipeline.create(options);
    AggregationPipeline.build(
        pipeline,
        SyntheticEventSource.read(settings),
        MetricCatalogSource.fixed(MetricCatalog.defaults()),
        WriteToHotStore.to(SharedHotStores.provider(store)),
        LogDeadLetters.sampled());
    PipelineResult.State state = pipeline.run().waitUntilFinish(Duration.standardMinutes(5));
    assertThat(state).isEqualTo(PipelineResult.State.DONE);

    InMemoryHotStore hot = SharedHotStores.named(store);
    List<WindowUpdate> windows =
        hot.windows(new WindowQuery("events_by_category", 0, Long.MAX_VALUE, Map.of()));
    assertThat(windows).isNotEmpty();
    assertThat(windows.stream().map(WindowUpdate::startMillis).distinct().count()).isGreaterThan(2);
    Map<String, Long> byCategory = new HashMap<>();
    long total = 0;
    for (WindowUpdate window : windows) {
      assertThat(window.isFinal()).as("final once the watermark has ended").isTrue();
      long count = (long) ((MetricValue.Scalar) window.value()).value();
      byCategory.merge(window.group().get(0), count, Long::sum);
      total += count;
    }
    assertThat(total).isEqualTo(truth.distinctCount(events)).isLessThan(events);
    assertThat(byCategory).isEqualTo(truth.distinctCountsByCategory(events));
  }
}
