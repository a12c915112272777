package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.model.event.Event;
import io.tally.model.event.EventParser;
import io.tally.model.metric.MetricCatalog;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.backfill.Backfill;
import io.tally.pipelines.backfill.ReadEventArchive;
import io.tally.pipelines.backfill.TimeRange;
import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.backfill.BackfillRun;
import io.tally.runners.backfill.Progress;
import io.tally.runners.launch.LocalCounters;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.runners.load.GeneratorOptions;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.archive.EventArchiveProvider;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseJdbc;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The backfill rate: archived events recomputed per second, from the archive's first row read to
 * the last window written, beside the rate at which the same runner only reads the archive (one
 * read-only run before each backfill run, so both see the same machine load).
 */
@Command(
    name = "backfill-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fills a ClickHouse archive with synthetic unique events (1,000 categories, the example"
          + " metrics; kept for later runs), then times backfills of the whole range (median of"
          + " --runs) beside a pipeline that only reads the archive, on the same runner. Prints"
          + " figures."
    })
public final class BackfillBenchmark implements Callable<Integer> {

  @Option(
      names = "--events",
      defaultValue = "10000000",
      description = "Archived events (${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--runs", defaultValue = "3", description = "Backfill runs (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--simulated-rate",
      defaultValue = "10000",
      description = "Events per second of event time (${DEFAULT-VALUE}).")
  double simulatedRate;

  @Option(
      names = "--clickhouse-url",
      defaultValue = "jdbc:clickhouse://127.0.0.1:8123/default",
      description = "ClickHouse JDBC URL (${DEFAULT-VALUE}).")
  String clickhouseUrl;

  @Option(
      names = "--database",
      defaultValue = "tally_benchmark",
      description =
          "Database of the archive; windows go to <database>_history, dropped at the end (${DEFAULT-VALUE}).")
  String database;

  @Option(
      names = "--runner",
      defaultValue = "FlinkRunner",
      description = "FlinkRunner or DirectRunner (${DEFAULT-VALUE}).")
  String runner;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Parallelism (${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--slice",
      defaultValue = "10s",
      converter = GeneratorOptions.DurationMillis.class,
      description =
          "Event time each worker reads from the archive in one query (${DEFAULT-VALUE}).")
  long sliceMillis;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BackfillBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    SyntheticSettings settings =
        SyntheticSettings.defaults()
            .withDuplicateShare(0)
            .withSimulatedRate(simulatedRate)
            .withMaxEvents(events);
    // The disorder puts events up to maxDisorder before the clock's instants.
    long from = settings.startMillis() - settings.maxDisorderMillis();
    long to = settings.startMillis() + (long) Math.ceil(events * 1000.0 / simulatedRate) + 1;
    TimeRange range = new TimeRange(from, to);
    ClickHouseConfig archiveConfig = ClickHouseConfig.of(clickhouseUrl, database);
    ClickHouseEventArchive archive = new ClickHouseEventArchive(archiveConfig);
    archive.createSchema();
    fill(archive, settings, range);

    System.out.printf(
        Locale.ROOT,
        "Tally backfill benchmark: %,d archived events over %s, example metrics%n",
        events,
        range);
    System.out.printf(
        Locale.ROOT,
        "runner %s, parallelism %d, slices of %d s; JVM %s, %d cores, max heap %,d MiB%n",
        PipelineLaunch.runnerName(runner),
        parallelism,
        sliceMillis / 1000,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);

    MetricCatalog metrics = MetricCatalog.defaults();
    Backfill.Plan plan = new Backfill.Plan(metrics, range);
    ClickHouseConfig historyConfig = archiveConfig.withDatabase(database + "_history");
    List<Double> readOnlyRates = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    try {
      for (int r = 1; r <= runs; r++) {
        readOnlyRates.add(readOnly(archiveConfig, range));
        System.out.printf(
            Locale.ROOT, "run %d: read only: %,.0f events/s%n", r, readOnlyRates.get(r - 1));
        BackfillRun.Result result =
            BackfillRun.run(
                plan,
                archiveConfig,
                historyConfig,
                BackfillRun.options(runner, parallelism, beamArgs),
                sliceMillis,
                Progress.Style.none,
                System.err);
        rates.add(result.eventsPerSecond());
        System.out.printf(
            Locale.ROOT,
            "run %d: %,d events, %,d windows in %.1f s: %,.0f events/s%n",
            r,
            result.eventsRead(),
            result.windowsWritten(),
            result.seconds(),
            result.eventsPerSecond());
      }
    } finally {
      new ClickHouseJdbc(historyConfig)
          .run(
              "drop " + historyConfig.database(),
              connection -> {
                try (var statement = connection.createStatement()) {
                  statement.execute("DROP DATABASE IF EXISTS " + historyConfig.database());
                }
                return null;
              });
    }
    double median = Stats.median(rates);
    double readOnly = Stats.median(readOnlyRates);
    System.out.printf(
        Locale.ROOT,
        "read only: median %,.0f events/s (runs %s)%n",
        readOnly,
        readOnlyRates.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList());
    System.out.printf(
        Locale.ROOT,
        "backfill: median %,.0f events/s (runs %s), %.2f of the read-only rate%n",
        median,
        rates.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList(),
        median / readOnly);
    if (table) {
      String name =
          String.format(
              Locale.ROOT,
              "Backfill (ClickHouse archive → history), %s, parallelism %d",
              PipelineLaunch.runnerName(runner),
              parallelism);
      BenchmarkTable.print(
          name,
          "backfill (events/s)",
          rates,
          "%,.0f",
          String.format(
              Locale.ROOT,
              "ratio to read only %.2f; %,d events, example metrics",
              median / readOnly,
              events));
      BenchmarkTable.print(
          name,
          "read only (events/s)",
          readOnlyRates,
          "%,.0f",
          "same archive and runner, no aggregation");
    }
    return 0;
  }

  /** Appends the synthetic events unless the archive already holds them all. */
  private void fill(ClickHouseEventArchive archive, SyntheticSettings settings, TimeRange range)
      throws Exception {
    long held = archive.count(range.fromMillis(), range.toMillis());
    if (held == events) {
      System.out.printf(Locale.ROOT, "the archive already holds the %,d events%n", events);
      return;
    }
    if (held != 0) {
      throw new IllegalStateException(
          "database "
              + database
              + " holds "
              + held
              + " events in the range, not "
              + events
              + ": drop it or name another --database");
    }
    System.out.printf(Locale.ROOT, "archiving %,d synthetic events...%n", events);
    SyntheticEvents generator = SyntheticEvents.of(settings);
    long start = System.nanoTime();
    List<Event> batch = new ArrayList<>(100_000);
    for (long i = 0; i < events; i++) {
      batch.add(EventParser.parse(generator.json(i)));
      if (batch.size() == 100_000 || i == events - 1) {
        archive.append(batch);
        batch.clear();
      }
    }
    System.out.printf(
        Locale.ROOT, "archived %,d events in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
  }

  /** The rate at which the same runner reads the archive and does nothing else. */
  private double readOnly(ClickHouseConfig archiveConfig, TimeRange range) {
    String counter = "benchmark-read-" + UUID.randomUUID();
    TallyPipelineOptions options = BackfillRun.options(runner, parallelism, beamArgs);
    EventArchiveProvider provider = () -> new ClickHouseEventArchive(archiveConfig);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("ReadArchive", ReadEventArchive.of(provider, range).withSliceMillis(sliceMillis))
        .apply("Count", LocalCounters.sink(counter));
    long start = System.nanoTime();
    pipeline.run().waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long read = LocalCounters.named(counter).count();
    LocalCounters.remove(counter);
    if (read != events) {
      throw new IllegalStateException("read " + read + " events, expected " + events);
    }
    return read / seconds;
  }
}
