package io.tally.it.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.it.support.ClickHouseServer;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.sinks.HistoryTier;
import io.tally.pipelines.sinks.LogDeadLetters;
import io.tally.pipelines.sinks.SinkCounters;
import io.tally.pipelines.sinks.WriteToEventArchive;
import io.tally.pipelines.sinks.WriteToHistoryStore;
import io.tally.pipelines.sinks.WriteToHotStore;
import io.tally.pipelines.synthetic.SyntheticEventSource;
import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import io.tally.tiering.hot.WindowQuery;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline while ClickHouse is down: it goes on counting (every window reaches the hot tier),
 * the history sink and the event archive keep their rows and retry, and once the server is back the
 * history tier holds exactly the final windows, each once, and the archive every distinct event.
 */
@ExtendWith(ClickHouseServer.class)
class HistoryOutageIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(HistoryOutageIT.class);
  private final String hotStore = "history-outage-" + UUID.randomUUID();

  @AfterEach
  void cleanUp() {
    SharedHotStores.remove(hotStore);
    ClickHouseServer.start(); // whatever happened, leave the server running for the next class
  }

  @Test
  void historyAndArchiveAreExactAfterAnOutageDuringTheRun() throws Exception {
    MetricCatalog catalog = MetricCatalog.defaults();
    ClickHouseConfig config = ClickHouseServer.config(DATABASE);
    HistoryStoreProvider history = HistoryTier.provider(config, MetricCatalogSource.fixed(catalog));
    history.open().createSchema();
    int events = 2_000;
    SyntheticSettings settings =
        SyntheticSettings.defaults().withCategories(10).withSimulatedRate(10).withMaxEvents(events);

    ClickHouseServer.stop();
    // The direct runner runs every stage on one pool of threads, and a sink shard whose input has
    // ended waits on its thread until the tier answers: with fewer threads than shards waiting,
    // aggregation would wait for ClickHouse too, which on Flink (an operator a thread) it does
    // not.
    TallyPipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=DirectRunner",
                "--streaming=true",
                "--blockOnRun=false",
                "--targetParallelism=24",
                "--archiveJdbcUrl=" + config.jdbcUrl(),
                "--archiveDatabase=" + DATABASE)
            .as(TallyPipelineOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    AggregationPipeline.build(
            pipeline,
            SyntheticEventSource.read(settings),
            MetricCatalogSource.fixed(catalog),
            WriteToHotStore.to(SharedHotStores.provider(hotStore)),
            LogDeadLetters.sampled())
        .output()
        .apply(
            "WriteHistory",
            WriteToHistoryStore.to(history)
                .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(2)));
    PipelineResult run = pipeline.run();

    // While history is down the pipeline goes on: every window reaches the hot tier, final.
    InMemoryHotStore hot = SharedHotStores.named(hotStore);
    long distinct = SyntheticEvents.of(settings).distinctCount(events);
    await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> finalCount(hot.windows(all("events_by_category"))) == distinct);
    assertThat(SinkCounters.attempted(run, WriteToHistoryStore.class, "write_failures"))
        .as("history writes failed while the server was down")
        .isPositive();
    assertThat(SinkCounters.attempted(run, WriteToHistoryStore.class, "windows_written")).isZero();
    assertThat(SinkCounters.attempted(run, WriteToEventArchive.class, "write_failures"))
        .as("archive appends failed while the server was down")
        .isPositive();
    assertThat(SinkCounters.attempted(run, WriteToEventArchive.class, "events_archived")).isZero();
    assertThat(run.getState()).isEqualTo(PipelineResult.State.RUNNING);

    ClickHouseServer.start();
    assertThat(run.waitUntilFinish(org.joda.time.Duration.standardMinutes(5)))
        .isEqualTo(PipelineResult.State.DONE);

    try (ClickHouseEventArchive archive = new ClickHouseEventArchive(config)) {
      // An append that was retried may be there twice until ClickHouse merges: count events.
      Set<String> archived = new HashSet<>();
      archive.read(0, Long.MAX_VALUE, (timestamp, json) -> archived.add(json));
      assertThat(archived).as("the archive holds every distinct event").hasSize((int) distinct);
    }
    HistoryStore store = history.open();
    for (MetricDefinition metric : catalog.definitions()) {
      List<WindowUpdate> inHot = hot.windows(all(metric.name()));
      List<WindowUpdate> inHistory = store.windows(Resolution.MINUTE, all(metric.name()));
      assertThat(inHot).as(metric.name()).isNotEmpty().allMatch(WindowUpdate::isFinal);
      assertThat(inHistory.stream().map(HistoryOutageIT::summary).toList())
          .as(metric.name() + ": every final window once, as the pipeline computed it")
          .containsExactlyInAnyOrderElementsOf(
              inHot.stream().map(HistoryOutageIT::summary).toList());
    }
  }

  private static WindowQuery all(String metric) {
    return new WindowQuery(metric, 0, Long.MAX_VALUE, Map.of());
  }

  private static long finalCount(List<WindowUpdate> windows) {
    return windows.stream()
        .filter(WindowUpdate::isFinal)
        .mapToLong(w -> (long) ((MetricValue.Scalar) w.value()).value())
        .sum();
  }

  private static String summary(WindowUpdate w) {
    return w.version()
        + " "
        + w.group()
        + " ["
        + w.startMillis()
        + ", "
        + w.endMillis()
        + ") "
        + w.value()
        + " events="
        + w.events();
  }
}
