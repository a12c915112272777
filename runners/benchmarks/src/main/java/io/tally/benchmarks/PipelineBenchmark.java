package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.synthetic.SyntheticEventSource;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.launch.CountedSource;
import io.tally.runners.launch.LocalCounters;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.runners.load.GeneratorOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Throughput of the streaming core on the embedded Flink runner, against a pass-through baseline
 * over the same source. A command that prints figures, not a test.
 *
 * <p>Both pipelines read the same bounded synthetic stream (simulated event clock, generated as
 * fast as possible): the core pipeline runs the three default metrics and counts the updates in a
 * sink that stores nothing; the baseline only counts the events. Events/s is measured from the
 * first event read to the last output counted (the mini cluster's start and stop are reported
 * apart), and the median of the runs is printed for each, with their ratio.
 */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the streaming core over N synthetic events on the embedded Flink runner and prints"
          + " events/s (median of the runs), and the same for a pass-through pipeline.",
      "Options not listed here are passed to Beam and the runner (e.g. --autoWatermarkInterval=200)."
    })
public final class PipelineBenchmark implements Callable<Integer> {

  @Option(
      names = "--events",
      defaultValue = "5000000",
      description = "Events per run (${DEFAULT-VALUE}).")
  long events;

  @Mixin GeneratorOptions generator;

  /**
   * Events per second of event time. It sets how much de-duplication state the core holds: the
   * events of the last dedup horizon (10 min). 2,000/s is the embedded mode's live rate, so the
   * state reaches its steady size (~1.2M identities) a quarter into the default run, instead of
   * growing through the whole run as a faster simulated clock would make it.
   */
  @Option(
      names = "--simulated-rate",
      defaultValue = "2000",
      description = "Events per second of simulated event time (${DEFAULT-VALUE}).")
  double simulatedRate;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs per pipeline (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--pipelines",
      defaultValue = "core,passthrough",
      split = ",",
      description = "Which pipelines to run: core, passthrough (${DEFAULT-VALUE}).")
  List<String> pipelines;

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

  /**
   * Off by default, as in every Tally pipeline: with it, Flink's heap state is no longer copied on
   * write during a checkpoint, and the core updates state values in place, so a checkpoint could
   * capture them half-updated (see StreamingMain). Only for measuring its effect.
   */
  @Option(
      names = "--faster-copy",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Flink: skip copying elements and state values (${DEFAULT-VALUE}; unsafe with"
              + " checkpoints).")
  boolean fasterCopy;

  @Option(
      names = "--object-reuse",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Flink: reuse objects between operators (${DEFAULT-VALUE}).")
  boolean objectReuse;

  @Option(
      names = "--max-bundle-size",
      defaultValue = "10000",
      description = "Flink: elements per bundle at most (${DEFAULT-VALUE}; Flink's default 1000).")
  long maxBundleSize;

  @Option(
      names = "--max-bundle-time-millis",
      defaultValue = "1000",
      description = "Flink: bundle duration at most, ms (${DEFAULT-VALUE}).")
  long maxBundleTimeMillis;

  @Option(
      names = "--early-firing-delay",
      defaultValue = "100ms",
      description =
          "Processing-time delay between early panes (${DEFAULT-VALUE}, the pipeline's default).")
  String earlyFiringDelay;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  @Option(
      names = "--dedup-horizon",
      defaultValue = "10m",
      description = "De-duplication horizon (${DEFAULT-VALUE}).")
  String dedupHorizon;

  /**
   * When set, the core runs with each number of active metrics instead of the three defaults, on
   * the same events, to show what each extra metric costs. Metric i is a copy of the i-th default
   * metric (in turn: count by category over 1 min, top 10 entities by category over hopping 5 min,
   * distinct users by geo over 1 min) under its own name; none has a filter, so every event matches
   * every metric: the most each metric can cost.
   */
  @Option(
      names = "--metric-counts",
      split = ",",
      description = "Active metrics per configuration, e.g. 1,10,100 (default: the 3 examples).")
  List<Integer> metricCounts;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  /** What one run measured. */
  record Run(
      String pipeline,
      long events,
      long read,
      long outputs,
      long deadLetters,
      double steadySeconds,
      double totalSeconds) {

    double eventsPerSecond() {
      return events / steadySeconds;
    }

    double endToEndEventsPerSecond() {
      return events / totalSeconds;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PipelineBenchmark()).execute(args));
  }

  SyntheticSettings settings() {
    // A fixed seed by default: runs of the benchmark see the same events.
    return generator
        .applyTo(SyntheticSettings.defaults(), 42)
        .withSimulatedRate(simulatedRate)
        .withMaxEvents(events);
  }

  TallyPipelineOptions pipelineOptions() {
    List<String> extra = new ArrayList<>();
    if (PipelineLaunch.runnerName(runner).equals("FlinkRunner")) {
      extra.add("--fasterCopy=" + fasterCopy);
      extra.add("--objectReuse=" + objectReuse);
      extra.add("--maxBundleSize=" + maxBundleSize);
      extra.add("--maxBundleTimeMills=" + maxBundleTimeMillis);
    }
    extra.addAll(beamArgs);
    TallyPipelineOptions options = PipelineLaunch.options(runner, parallelism, extra);
    options.setEarlyFiringDelay(earlyFiringDelay);
    options.setDedupHorizon(dedupHorizon);
    return options;
  }

  @Override
  public Integer call() throws Exception {
    SyntheticSettings settings = settings();
    TallyPipelineOptions probe = pipelineOptions();
    System.out.printf(
        Locale.ROOT,
        "Tally pipeline benchmark: %,d events, %s, simulated clock at %,.0f events/s of event"
            + " time%n",
        events,
        generator.describe(),
        simulatedRate);
    System.out.printf(
        Locale.ROOT,
        "runner %s, parallelism %d%s; JVM %s, %d cores, max heap %,d MiB%n",
        PipelineLaunch.runnerName(runner),
        parallelism,
        probe.getRunner().getSimpleName().equals("FlinkRunner")
            ? String.format(
                Locale.ROOT,
                ", fasterCopy=%s, objectReuse=%s, maxBundleSize=%d, maxBundleTimeMills=%d",
                fasterCopy,
                objectReuse,
                maxBundleSize,
                maxBundleTimeMillis)
            : "",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);

    if (metricCounts != null && !metricCounts.isEmpty()) {
      return compareMetricCounts(settings);
    }
    MetricCatalog catalog = MetricCatalog.defaults();
    List<Run> core = new ArrayList<>();
    List<Run> passThrough = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      for (String pipeline : pipelines) {
        boolean isCore = pipeline.trim().equalsIgnoreCase("core");
        if (!isCore && !pipeline.trim().equalsIgnoreCase("passthrough")) {
          throw new CommandLine.ParameterException(
              new CommandLine(this), "unknown pipeline '" + pipeline + "': core or passthrough");
        }
        Run run = isCore ? runCore(settings, catalog, r) : runPassThrough(settings, r);
        (isCore ? core : passThrough).add(run);
        print(run, r);
      }
    }

    System.out.println();
    double coreMedian = core.isEmpty() ? Double.NaN : median(core);
    double baseMedian = passThrough.isEmpty() ? Double.NaN : median(passThrough);
    if (!core.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "core (3 default metrics):  median %,.0f events/s over %d runs%n",
          coreMedian,
          core.size());
    }
    if (!passThrough.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "pass-through (baseline):   median %,.0f events/s over %d runs%n",
          baseMedian,
          passThrough.size());
    }
    if (!core.isEmpty() && !passThrough.isEmpty()) {
      System.out.printf(Locale.ROOT, "ratio core / pass-through:  %.3f%n", coreMedian / baseMedian);
    }
    if (table) {
      String name = "Core pipeline (no Kafka), parallelism " + parallelism;
      tableRow(
          name,
          "core, 3 default metrics (events/s)",
          core,
          String.format(Locale.ROOT, "ratio to pass-through %.3f", coreMedian / baseMedian));
      tableRow(name, "pass-through (events/s)", passThrough, "same source, no aggregation");
    }
    boolean complete =
        core.stream().allMatch(run -> run.read() == run.events())
            && passThrough.stream().allMatch(run -> run.read() == run.events());
    if (!complete) {
      System.out.println("WARNING: some run did not read every event; its figure is not valid");
      return 1;
    }
    return 0;
  }

  /**
   * The core with each of {@code --metric-counts} metrics, runs interleaved; ratios to the first.
   */
  private int compareMetricCounts(SyntheticSettings settings) {
    Map<Integer, List<Run>> byCount = new LinkedHashMap<>();
    for (int r = 1; r <= runs; r++) {
      for (int count : metricCounts) {
        Run run = runCore(settings, metrics(count), r);
        byCount.computeIfAbsent(count, c -> new ArrayList<>()).add(run);
        System.out.printf(Locale.ROOT, "%3d metrics: ", count);
        print(run, r);
      }
    }
    System.out.println();
    double base = median(byCount.get(metricCounts.get(0)));
    boolean complete = true;
    for (Map.Entry<Integer, List<Run>> entry : byCount.entrySet()) {
      double median = median(entry.getValue());
      System.out.printf(
          Locale.ROOT,
          "%3d active metrics: median %,10.0f events/s over %d runs; ratio to %d metric%s: %.3f%n",
          entry.getKey(),
          median,
          entry.getValue().size(),
          metricCounts.get(0),
          metricCounts.get(0) == 1 ? "" : "s",
          median / base);
      complete &= entry.getValue().stream().allMatch(run -> run.read() == run.events());
    }
    if (table) {
      String name = "Active metrics (no Kafka), parallelism " + parallelism;
      for (Map.Entry<Integer, List<Run>> entry : byCount.entrySet()) {
        tableRow(
            name,
            String.format(
                Locale.ROOT,
                "%d metric%s (events/s)",
                entry.getKey(),
                entry.getKey() == 1 ? "" : "s"),
            entry.getValue(),
            String.format(
                Locale.ROOT,
                "ratio to %d metric%s %.3f",
                metricCounts.get(0),
                metricCounts.get(0) == 1 ? "" : "s",
                median(entry.getValue()) / base));
      }
    }
    if (!complete) {
      System.out.println("WARNING: some run did not read every event; its figure is not valid");
      return 1;
    }
    return 0;
  }

  /** {@code count} metrics: copies of the default ones in turn, each under its own name. */
  static MetricCatalog metrics(int count) {
    List<MetricDefinition> defaults = List.copyOf(MetricCatalog.defaults().definitions());
    List<MetricDefinition> metrics = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      MetricDefinition d = defaults.get(i % defaults.size());
      metrics.add(
          new MetricDefinition(
              String.format(Locale.ROOT, "m%03d_%s", i, d.name()),
              1,
              d.filter(),
              d.groupBy(),
              d.aggregate(),
              d.window(),
              d.allowedLatenessMillis()));
    }
    return MetricCatalog.of(metrics);
  }

  private static void print(Run run, int r) {
    System.out.printf(
        Locale.ROOT,
        "run %d %-12s %,12.0f events/s  (%,d events in %.2f s; with job start and stop %.2f s ="
            + " %,.0f events/s; read %,d, outputs %,d, dead letters %,d)%n",
        r,
        run.pipeline(),
        run.eventsPerSecond(),
        run.events(),
        run.steadySeconds(),
        run.totalSeconds(),
        run.endToEndEventsPerSecond(),
        run.read(),
        run.outputs(),
        run.deadLetters());
  }

  /** One row of bin/benchmarks' table, of the runs' events/s. */
  private static void tableRow(String name, String figure, List<Run> runs, String note) {
    if (!runs.isEmpty()) {
      BenchmarkTable.print(name, figure, eventsPerSecond(runs), "%,.0f", note);
    }
  }

  private static List<Double> eventsPerSecond(List<Run> runs) {
    return runs.stream().map(Run::eventsPerSecond).toList();
  }

  private static double median(List<Run> runs) {
    return Stats.median(eventsPerSecond(runs));
  }

  Run runCore(SyntheticSettings settings, MetricCatalog catalog, int r) {
    String id = "benchmark-core-" + r + "-" + System.nanoTime();
    String readName = id + "-read";
    String updatesName = id + "-updates";
    String deadName = id + "-dead";
    Pipeline p = Pipeline.create(pipelineOptions());
    AggregationPipeline.build(
        p,
        CountedSource.of(SyntheticEventSource.read(settings), readName),
        MetricCatalogSource.fixed(catalog),
        LocalCounters.<WindowUpdate>sink(updatesName),
        LocalCounters.<DeadLetter>sink(deadName));
    double total = runToEnd(p);
    LocalCounters.Tally read = LocalCounters.named(readName);
    LocalCounters.Tally updates = LocalCounters.named(updatesName);
    LocalCounters.Tally dead = LocalCounters.named(deadName);
    long last = Math.max(Math.max(read.lastNanos(), updates.lastNanos()), dead.lastNanos());
    Run run =
        new Run(
            "core",
            settings.maxEvents(),
            read.count(),
            updates.count(),
            dead.count(),
            (last - read.firstNanos()) / 1e9,
            total);
    LocalCounters.remove(readName);
    LocalCounters.remove(updatesName);
    LocalCounters.remove(deadName);
    return run;
  }

  Run runPassThrough(SyntheticSettings settings, int r) {
    String name = "benchmark-passthrough-" + r + "-" + System.nanoTime();
    Pipeline p = Pipeline.create(pipelineOptions());
    p.apply("ReadEvents", SyntheticEventSource.read(settings))
        .apply("CountEvents", LocalCounters.<String>sink(name));
    double total = runToEnd(p);
    LocalCounters.Tally read = LocalCounters.named(name);
    Run run =
        new Run(
            "passthrough",
            settings.maxEvents(),
            read.count(),
            read.count(),
            0,
            (read.lastNanos() - read.firstNanos()) / 1e9,
            total);
    LocalCounters.remove(name);
    return run;
  }

  /** Runs {@code p} until the bounded source is exhausted and every window closed; seconds. */
  private static double runToEnd(Pipeline p) {
    long t0 = System.nanoTime();
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the pipeline ended " + state);
    }
    return seconds;
  }
}
