package io.tally.it.backfill;

import io.tally.it.support.ClickHouseServer;
import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.sinks.LogDeadLetters;
import io.tally.pipelines.sinks.WriteToHistoryStore;
import io.tally.pipelines.synthetic.SyntheticEventSource;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.WindowQuery;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The streaming pipeline for replay tests: synthetic events with duplicates and disorder run
 * through it, and it archives the unique events and writes final windows to a history database.
 * Every aggregate function is defined.
 */
final class Replays {
  static final long MINUTE = 60_000;

  /** 2026-11-27T00:00:00Z. */
  static final long DAY0 = 1_795_737_600_000L;

  /** The events fall within [DAY0, DAY0 + SPAN). */
  static final long SPAN = 20 * MINUTE;

  static final String METRICS =
      """
      metrics:
        - name: views_by_category
          groupBy: [category]
          aggregate: { fn: count }
          window: { size: 1m }
          allowedLateness: 1m
        - name: value_by_geo
          groupBy: [geo]
          aggregate: { fn: sum }
          window: { size: 1m }
          allowedLateness: 1m
        - name: rate_by_category
          groupBy: [category]
          aggregate: { fn: rate }
          window: { size: 2m }
        - name: users_by_geo
          groupBy: [geo]
          aggregate: { fn: distinct, field: user }
          window: { size: 1m }
          allowedLateness: 1m
        - name: top_entities_by_category
          groupBy: [category]
          aggregate: { fn: topk, field: entity, k: 5 }
          window: { size: 5m, slide: 1m }
          allowedLateness: 1m
      """;

  private Replays() {}

  static MetricCatalog catalog() {
    try {
      return MetricCatalog.read(new ByteArrayInputStream(METRICS.getBytes(StandardCharsets.UTF_8)));
    } catch (InvalidDefinitionException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path metricsFile(Path dir) {
    try {
      return Files.writeString(dir.resolve("metrics.yaml"), METRICS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Synthetic events over about 17 minutes of event time from {@link #DAY0} (the disorder puts some
   * up to 5 s before it): 4 categories, 3 geos, 400 users, 5% duplicates.
   */
  static SyntheticSettings events(long seed, int n) {
    return SyntheticSettings.defaults()
        .withSeed(seed)
        .withCategories(4)
        .withEntitiesPerCategory(30)
        .withUsers(400)
        .withGeos(List.of("US", "CA", "FR"))
        .withStartMillis(DAY0)
        .withSimulatedRate(n / (SPAN * 0.85 / 1000.0))
        .withMaxEvents(n);
  }

  /**
   * Runs the streaming pipeline over the events on the embedded Flink runner in streaming mode: the
   * source's watermark follows its event time, so windows fire early, on time and final while
   * events still flow, as they would live.
   */
  static void stream(SyntheticSettings events, ClickHouseConfig archive, ClickHouseConfig history) {
    TallyPipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=FlinkRunner",
                "--streaming=true",
                "--flinkMaster=[local]",
                "--parallelism=2",
                "--maxBundleTimeMills=50",
                "--fasterCopy=false",
                "--archiveJdbcUrl=" + archive.jdbcUrl(),
                "--archiveDatabase=" + archive.database())
            .as(TallyPipelineOptions.class);
    MetricCatalog catalog = catalog();
    MetricSpecs specs = MetricSpecs.of(catalog);
    HistoryStoreProvider provider = () -> new ClickHouseHistoryStore(history, specs);
    provider.open().createSchema();
    Pipeline pipeline = Pipeline.create(options);
    AggregationPipeline.build(
        pipeline,
        SyntheticEventSource.read(events),
        MetricCatalogSource.fixed(catalog),
        WriteToHistoryStore.to(provider),
        LogDeadLetters.sampled());
    pipeline.run().waitUntilFinish();
  }

  /** The minute windows of every metric that start in {@code [from, to)}, in a stable order. */
  static List<WindowUpdate> windows(ClickHouseConfig history, long from, long to) {
    ClickHouseHistoryStore store = new ClickHouseHistoryStore(history, MetricSpecs.of(catalog()));
    List<WindowUpdate> all = new ArrayList<>();
    for (MetricDefinition metric : catalog().definitions()) {
      all.addAll(
          store.windows(Resolution.MINUTE, new WindowQuery(metric.name(), from, to, Map.of())));
    }
    all.sort(
        Comparator.comparing(WindowUpdate::metric)
            .thenComparingLong(WindowUpdate::startMillis)
            .thenComparing(w -> String.join("/", w.group())));
    return all;
  }

  static ClickHouseConfig config(String database) {
    return ClickHouseServer.config(database);
  }
}
