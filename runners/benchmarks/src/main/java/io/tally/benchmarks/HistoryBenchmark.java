package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.model.aggregate.Accumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import io.tally.tiering.tiers.TieredWindowReader;
import io.tally.tiering.tiers.TieredWindows;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ClickHouse history tier under load: write rate and query latency. A command that prints
 * figures, not a test.
 *
 * <p>Each run writes one day of final minute windows of one metric with G groups (24 × 60 × G rows,
 * each with its accumulator) to a fresh database through {@link HistoryStore#write} in large
 * batches (the baseline: the server's insert cost without per-request overhead), and the first
 * {@code --sample} of those rows to another fresh database in batches of the pipeline sink's size
 * (1,000 rows: what the sink sends). Then it rolls the day up and queries it through the serving
 * path ({@link TieredWindowReader}, history alone): the 24 h range at minute resolution for one
 * group and for all groups, and at hour resolution for all groups (the baseline the rollups give).
 * Figures are medians of the runs; latencies are P50/P99 of all queries of all runs.
 */
@Command(
    name = "history-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures the ClickHouse history tier: rows/s written (sink-sized batches vs. large"
          + " batches) and query P50/P99 over a 24 h range at minute resolution for one metric"
          + " with G groups (one group, all groups; hour resolution as the baseline)."
    })
public final class HistoryBenchmark implements Callable<Integer> {
  private static final long MINUTE = 60_000;
  private static final long DAY = 86_400_000;

  /** 2026-01-01T00:00:00Z. */
  private static final long DAY0 = 1_767_225_600_000L;

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:clickhouse://127.0.0.1:8123/default",
      description = "ClickHouse (${DEFAULT-VALUE}).")
  String jdbcUrl;

  @Option(
      names = "--groups",
      defaultValue = "1000",
      description = "Groups of the metric (${DEFAULT-VALUE}).")
  int groups;

  @Option(
      names = "--fn",
      defaultValue = "count",
      description = "Aggregate function: count, sum, rate, distinct, topk (${DEFAULT-VALUE}).")
  String fn;

  @Option(
      names = "--events-per-window",
      defaultValue = "20",
      description = "Events folded into each window (${DEFAULT-VALUE}).")
  int eventsPerWindow;

  @Option(
      names = "--batch",
      defaultValue = "1000",
      description = "Rows per write, as the pipeline's sink (${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--baseline-batch",
      defaultValue = "100000",
      description = "Rows per write of the baseline (${DEFAULT-VALUE}).")
  int baselineBatch;

  @Option(
      names = "--sample",
      defaultValue = "100000",
      description = "Rows written in the sink's batches per run (${DEFAULT-VALUE}).")
  int sample;

  @Option(
      names = "--one-group-queries",
      defaultValue = "50",
      description = "Queries of one group per run (${DEFAULT-VALUE}).")
  int oneGroupQueries;

  @Option(
      names = "--all-group-queries",
      defaultValue = "5",
      description = "Queries of all groups per run (${DEFAULT-VALUE}).")
  int allGroupQueries;

  @Option(names = "--runs", defaultValue = "3", description = "Runs (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  public static void main(String[] args) {
    System.exit(new CommandLine(new HistoryBenchmark()).execute(args));
  }

  @Override
  public Integer call() {
    AggregateFunction function = AggregateFunction.fromWireName(fn);
    MetricSpec spec =
        new MetricSpec(
            "bench",
            1,
            function,
            function == AggregateFunction.TOPK ? 10 : 0,
            MINUTE,
            MINUTE,
            0,
            List.of("category"));
    List<WindowUpdate> rows = day(spec);
    System.out.printf(
        Locale.ROOT,
        "Tally history benchmark: %s; Java %s, %d cores%n"
            + "data: one metric (%s, 1-minute windows), %,d groups, 24 h: %,d final windows of %d"
            + " events each, with accumulators%n",
        jdbcUrl.replaceAll("\\?.*", ""),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        function.wireName(),
        groups,
        rows.size(),
        eventsPerWindow);

    List<Double> writeRates = new ArrayList<>();
    List<Double> baselineRates = new ArrayList<>();
    Histogram oneGroup = Stats.latencyMicros();
    Histogram allGroups = Stats.latencyMicros();
    Histogram hourly = Stats.latencyMicros();
    List<Double> oneGroupP50 = new ArrayList<>();
    List<Double> oneGroupP99 = new ArrayList<>();
    List<Double> allGroupsP50 = new ArrayList<>();
    List<Double> hourlyP50 = new ArrayList<>();
    String runId = "hbench_" + System.currentTimeMillis();
    for (int run = 1; run <= runs; run++) {
      HistoryStore store = store(runId + "_" + run, spec);
      HistoryStore sinkSample = store(runId + "_" + run + "_sink", spec);
      double baselineRate = write(store, rows, baselineBatch);
      double rate = write(sinkSample, rows.subList(0, Math.min(sample, rows.size())), batch);
      writeRates.add(rate);
      baselineRates.add(baselineRate);
      store.rollUp(DAY0, DAY0 + DAY);

      System.out.printf(
          Locale.ROOT,
          "run %d: write %,.0f rows/s (%,d rows in batches of %,d), baseline %,.0f rows/s (%,d rows in batches of %,d)%n",
          run,
          rate,
          Math.min(sample, rows.size()),
          batch,
          baselineRate,
          rows.size(),
          baselineBatch);

      TieredWindowReader reader =
          new TieredWindowReader(new InMemoryHotStore(), null, store, 0, () -> DAY0 + 2 * DAY);
      Random random = new Random(run);
      Histogram runOneGroup = Stats.latencyMicros();
      Histogram runAllGroups = Stats.latencyMicros();
      Histogram runHourly = Stats.latencyMicros();
      for (int i = 0; i < oneGroupQueries; i++) {
        String group = category(random.nextInt(groups));
        query(reader, spec, Resolution.MINUTE, Map.of("category", group), 24 * 60, runOneGroup);
      }
      for (int i = 0; i < allGroupQueries; i++) {
        query(reader, spec, Resolution.MINUTE, Map.of(), 24 * 60 * groups, runAllGroups);
        query(reader, spec, Resolution.HOUR, Map.of(), 24 * groups, runHourly);
      }
      print("  run " + run + ": 24 h by minute, one group", runOneGroup, 24 * 60);
      print("  run " + run + ": 24 h by minute, all groups", runAllGroups, 24 * 60 * groups);
      print("  run " + run + ": 24 h by hour, all groups", runHourly, 24 * groups);
      oneGroupP50.add(Stats.millis(runOneGroup, 50));
      oneGroupP99.add(Stats.millis(runOneGroup, 99));
      allGroupsP50.add(Stats.millis(runAllGroups, 50));
      hourlyP50.add(Stats.millis(runHourly, 50));
      oneGroup.add(runOneGroup);
      allGroups.add(runAllGroups);
      hourly.add(runHourly);
    }
    double writeMedian = Stats.median(writeRates);
    double baselineMedian = Stats.median(baselineRates);
    System.out.printf(
        Locale.ROOT,
        "%nwrite, batches of %,d rows (the sink's)      %,12.0f rows/s (median of %d runs: %s)%n",
        batch,
        writeMedian,
        runs,
        list(writeRates));
    System.out.printf(
        Locale.ROOT,
        "write, batches of %,d rows (baseline)    %,12.0f rows/s (median of %d runs: %s)%n",
        baselineBatch,
        baselineMedian,
        runs,
        list(baselineRates));
    System.out.printf(
        Locale.ROOT,
        "ratio sink / baseline                        %12.2f%n",
        writeMedian / baselineMedian);
    print("query 24 h by minute, one group", oneGroup, 24 * 60);
    print("query 24 h by minute, all " + groups + " groups", allGroups, 24 * 60 * groups);
    print("query 24 h by hour, all " + groups + " groups (baseline)", hourly, 24 * groups);
    System.out.printf(
        Locale.ROOT,
        "ratio minute / hour, all groups, P50         %12.2f%n",
        allGroups.getValueAtPercentile(50) / (double) hourly.getValueAtPercentile(50));
    if (table) {
      String name =
          String.format(
              Locale.ROOT,
              "History tier (ClickHouse), %,d groups × 24 h, %s",
              groups,
              function.wireName());
      BenchmarkTable.print(
          name,
          String.format(Locale.ROOT, "write, batches of %,d rows (rows/s)", batch),
          writeRates,
          "%,.0f",
          String.format(
              Locale.ROOT,
              "the sink's batches; ratio to batches of %,d rows %.2f",
              baselineBatch,
              writeMedian / baselineMedian));
      BenchmarkTable.print(
          name,
          String.format(Locale.ROOT, "write, batches of %,d rows (rows/s)", baselineBatch),
          baselineRates,
          "%,.0f",
          "baseline");
      BenchmarkTable.print(
          name,
          "query 24 h by minute, one group, P50 (ms)",
          oneGroupP50,
          "%,.1f",
          String.format(Locale.ROOT, "%d queries per run", oneGroupQueries));
      BenchmarkTable.print(
          name,
          "query 24 h by minute, one group, P99 (ms)",
          oneGroupP99,
          "%,.1f",
          String.format(Locale.ROOT, "%d queries per run", oneGroupQueries));
      BenchmarkTable.print(
          name,
          "query 24 h by minute, all groups, P50 (ms)",
          allGroupsP50,
          "%,.1f",
          String.format(
              Locale.ROOT,
              "ratio to by hour %.2f; %d queries per run",
              Stats.median(allGroupsP50) / Stats.median(hourlyP50),
              allGroupQueries));
      BenchmarkTable.print(
          name,
          "query 24 h by hour, all groups, P50 (ms)",
          hourlyP50,
          "%,.1f",
          "baseline: rolled-up rows");
    }
    System.out.println(
        "databases " + runId + "_* are left in place (DROP DATABASE to remove them)");
    return 0;
  }

  private HistoryStore store(String database, MetricSpec spec) {
    HistoryStore store =
        new ClickHouseHistoryStore(
            ClickHouseConfig.of(jdbcUrl, database).withProperty("socket_timeout", "600000"),
            MetricSpecs.of(Map.of(spec.metric(), spec)));
    store.createSchema();
    return store;
  }

  /** One day of final windows: every group, every minute, {@code eventsPerWindow} events each. */
  private List<WindowUpdate> day(MetricSpec spec) {
    Random random = new Random(42);
    List<WindowUpdate> rows = new ArrayList<>(groups * 24 * 60);
    for (long start = DAY0; start < DAY0 + DAY; start += MINUTE) {
      for (int g = 0; g < groups; g++) {
        Accumulator acc = Accumulator.create(spec.fn());
        for (int e = 0; e < eventsPerWindow; e++) {
          acc.add(random.nextInt(1000) / 10.0, "item-" + random.nextInt(200));
        }
        rows.add(
            new WindowUpdate(
                spec.metric(),
                spec.version(),
                spec.fn(),
                spec.groupBy(),
                List.of(category(g)),
                start,
                start + MINUTE,
                acc.result(spec),
                acc.events(),
                Timing.ON_TIME,
                true,
                0,
                acc));
      }
    }
    return rows;
  }

  private static String category(int g) {
    return String.format(Locale.ROOT, "category/%04d", g);
  }

  /** Rows/s; a failed write is tried again (at most twice), as the pipeline's sink would. */
  private static double write(HistoryStore store, List<WindowUpdate> rows, int batch) {
    long started = System.nanoTime();
    for (int from = 0; from < rows.size(); from += batch) {
      List<WindowUpdate> part = rows.subList(from, Math.min(rows.size(), from + batch));
      for (int attempt = 1; ; attempt++) {
        try {
          store.write(part);
          break;
        } catch (HistoryStoreException e) {
          if (attempt == 3) {
            throw e;
          }
          System.out.println("write failed, tried again: " + e.getMessage());
        }
      }
    }
    return rows.size() / ((System.nanoTime() - started) / 1e9);
  }

  private static void query(
      TieredWindowReader reader,
      MetricSpec spec,
      Resolution resolution,
      Map<String, String> where,
      int expected,
      Histogram latencies) {
    long started = System.nanoTime();
    TieredWindows answer =
        reader.windows(spec, new WindowQuery(spec.metric(), DAY0, DAY0 + DAY, where), resolution);
    latencies.recordValue((System.nanoTime() - started) / 1_000);
    if (answer.windows().size() != expected || answer.partial()) {
      throw new IllegalStateException(
          "expected "
              + expected
              + " windows, got "
              + answer.windows().size()
              + ": "
              + answer.reads());
    }
  }

  private static void print(String what, Histogram latencies, int windows) {
    System.out.printf(
        Locale.ROOT,
        "%-45s P50 %,9.1f ms  P99 %,9.1f ms  (%,d queries, %,d windows each)%n",
        what,
        Stats.millis(latencies, 50),
        Stats.millis(latencies, 99),
        latencies.getTotalCount(),
        windows);
  }

  private static String list(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList().toString();
  }
}
