package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.model.event.EventParser;
import io.tally.model.event.InvalidEventException;
import io.tally.model.metric.Durations;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.QuietSourceReaders;
import io.tally.pipelines.kafka.KafkaAggregationPipeline;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.pipelines.kafka.ReadEventsFromKafka;
import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.launch.LocalCounters;
import io.tally.runners.launch.RunningPipeline;
import io.tally.runners.load.GeneratorOptions;
import io.tally.runners.load.GroundTruth;
import io.tally.runners.load.LoadGenerator;
import io.tally.runners.load.SyntheticProducer;
import io.tally.runners.streaming.StreamingMain;
import io.tally.runners.streaming.StreamingMainOptions;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyServer;
import io.tally.tiering.feed.WindowUpdateJson;
import io.tally.tiering.hot.SharedHotStores;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Throughput and freshness of the production pipeline ({@link KafkaAggregationPipeline}) against a
 * real Kafka broker, on the embedded Flink runner. A command that prints figures, not a test.
 *
 * <p><b>Throughput.</b> N synthetic events (simulated clock, set in the recent past so that every
 * window can close) are produced once, as fast as possible, to a fresh events topic. Each run then
 * measures (a) a plain consumer reading the whole topic and (b) the pipeline reading it from the
 * beginning to a fresh change-feed topic. The pipeline has consumed everything when the change feed
 * accounts for every distinct event: the sum, over the windows of {@code events_by_category}, of
 * each window's largest {@code events} equals the distinct events sent. (Committed offsets are no
 * criterion: the pipeline commits them only when a checkpoint is finalized, and runs here have no
 * checkpoints.) Its rate is N / (time from the job's submission to the change-feed update that
 * completes the sum).
 *
 * <p>Each run also measures (c) a Beam pipeline that only reads and parses the same topic on the
 * same runner: the ratio of the pipeline's rate to it is the cost of Tally's own work. With {@code
 * --production} the pipeline runs as deployed: checkpoints every 10 s to disk, the history sink and
 * the event archive on ClickHouse.
 *
 * <p><b>Freshness.</b> On fresh topics, events are produced live (event time = now) at a fixed rate
 * while a probe event is sent every 100 ms in a category of its own. An update of the probe
 * category's window with {@code events = n} includes the n-th probe of that window (one key keeps
 * its order in a partition), so its delay is its receive time minus the n-th probe's send time.
 */
@Command(
    name = "kafka-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures the Kafka pipeline on the embedded Flink runner against a real broker:"
          + " throughput (vs. a plain consumer) over N events, then freshness (delay from produce"
          + " to change feed, P50/P99/max) at a fixed live rate.",
      "Options not listed here are passed to Beam and the runner (e.g. --maxBundleSize=1000)."
    })
public final class KafkaBenchmark implements Callable<Integer> {
  static final String PROBE_CATEGORY = "benchmark/freshness-probe";
  private static final String COUNT_METRIC = "events_by_category";
  private static final byte[] COUNT_METRIC_KEY_PREFIX =
      ("[\"" + COUNT_METRIC + "\",").getBytes(StandardCharsets.UTF_8);

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:29092",
      description = "Kafka (${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--events",
      defaultValue = "1000000",
      description = "Events for the throughput phase (${DEFAULT-VALUE}).")
  long events;

  @Mixin GeneratorOptions generator;

  @Option(
      names = "--simulated-rate",
      defaultValue = "2000",
      description =
          "Throughput phase: events per second of simulated event time (${DEFAULT-VALUE}).")
  double simulatedRate;

  @Option(names = "--runs", defaultValue = "3", description = "Throughput runs (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--warmup-runs",
      defaultValue = "1",
      description =
          "Throughput runs before the measured ones, not counted: the first run of a JVM pays for"
              + " class loading and JIT compilation (${DEFAULT-VALUE}).")
  int warmupRuns;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Pipeline parallelism (${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of the topics created (${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--freshness-rate",
      defaultValue = "0",
      description =
          "Freshness phase: events/s; 0 = half the measured pipeline rate (${DEFAULT-VALUE}).")
  double freshnessRate;

  @Option(
      names = "--freshness-seconds",
      defaultValue = "30",
      description = "Freshness phase: measured seconds (${DEFAULT-VALUE}).")
  int freshnessSeconds;

  @Option(
      names = "--freshness-warmup",
      defaultValue = "5",
      description = "Freshness phase: seconds of load before probes count (${DEFAULT-VALUE}).")
  int freshnessWarmup;

  @Option(
      names = "--phases",
      defaultValue = "throughput,freshness",
      split = ",",
      description = "Which phases to run (${DEFAULT-VALUE}).")
  List<String> phases;

  @Option(
      names = "--timeout",
      defaultValue = "600",
      description =
          "Seconds a pipeline run may take to account for every event (${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--freshness-runs",
      defaultValue = "1",
      description = "Freshness phase: runs; the figures are medians (${DEFAULT-VALUE}).")
  int freshnessRuns;

  @Option(
      names = "--production",
      description =
          "Run the pipeline as it is deployed: checkpoints every 10 s to a directory on disk, the"
              + " history sink and the event archive on ClickHouse (--clickhouse-url); without it,"
              + " no checkpoints and no ClickHouse.")
  boolean production;

  @Option(
      names = "--clickhouse-url",
      defaultValue = "jdbc:clickhouse://127.0.0.1:8123/default",
      description =
          "ClickHouse of the history sink and archive with --production (${DEFAULT-VALUE}).")
  String clickhouseUrl;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  @Option(
      names = "--label",
      description = "What the table rows call this benchmark (default: from parallelism and skew).")
  String label;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  /** Per throughput run: raw events/s, pipeline events/s, pipeline CPU microseconds per event. */
  private final List<Double> rawRates = new ArrayList<>();

  private final List<Double> pipelineRates = new ArrayList<>();
  private final List<Double> cpuPerEvent = new ArrayList<>();
  private final List<Double> bytesPerEvent = new ArrayList<>();
  private final List<Double> passThroughRates = new ArrayList<>();
  private final List<Double> passThroughCpuPerEvent = new ArrayList<>();
  private final List<Double> passThroughBytesPerEvent = new ArrayList<>();
  private final List<Double> freshP50 = new ArrayList<>();
  private final List<Double> freshP99 = new ArrayList<>();
  private final List<Double> nodeP50 = new ArrayList<>();
  private final List<Double> nodeP99 = new ArrayList<>();

  private final String runId = "kbench-" + System.currentTimeMillis();

  public static void main(String[] args) {
    int code = new CommandLine(new KafkaBenchmark()).execute(args);
    System.exit(code); // the runner's non-daemon threads would keep the JVM up
  }

  @Override
  public Integer call() throws Exception {
    boolean throughput = phases.stream().anyMatch(p -> p.trim().equalsIgnoreCase("throughput"));
    boolean freshness = phases.stream().anyMatch(p -> p.trim().equalsIgnoreCase("freshness"));
    if (freshness && !throughput && freshnessRate <= 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "freshness alone needs --freshness-rate");
    }
    System.out.printf(
        Locale.ROOT,
        "Tally Kafka benchmark: broker %s, topics %s-*; Java %s, %d cores, max heap %,d MiB%n",
        bootstrapServers,
        runId,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        Locale.ROOT,
        "pipeline: KafkaAggregationPipeline, 3 default metrics, FlinkRunner (embedded),"
            + " parallelism %d, %d partitions, %s, StreamingMain defaults%s%n",
        parallelism,
        partitions,
        production
            ? "checkpoints every 10 s to disk, history sink and archive on " + clickhouseUrl
            : "no checkpoints, no history sink or archive",
        beamArgs.isEmpty() ? "" : ", " + String.join(" ", beamArgs));
    System.out.println("events: " + generator.describe());

    int code = 0;
    double pipelineMedian = Double.NaN;
    double rawMedian = Double.NaN;
    if (throughput) {
      double[] medians = throughput();
      rawMedian = medians[0];
      pipelineMedian = medians[1];
      if (Double.isNaN(pipelineMedian)) {
        code = 1;
      }
    }
    boolean freshnessRan = false;
    double rate = freshnessRate > 0 ? freshnessRate : pipelineMedian / 2;
    if (freshness && !Double.isNaN(rate)) {
      freshnessRan = true;
      for (int r = 1; r <= freshnessRuns; r++) {
        Freshness delays = freshness(rate, r);
        if (delays.feed().getTotalCount() > 0) {
          freshP50.add(Stats.millis(delays.feed(), 50));
          freshP99.add(Stats.millis(delays.feed(), 99));
          System.out.printf(
              Locale.ROOT,
              "freshness run %d, change feed: P50 %,.1f ms, P99 %,.1f ms%n",
              r,
              freshP50.get(freshP50.size() - 1),
              freshP99.get(freshP99.size() - 1));
        }
        if (delays.node().getTotalCount() > 0) {
          nodeP50.add(Stats.millis(delays.node(), 50));
          nodeP99.add(Stats.millis(delays.node(), 99));
          System.out.printf(
              Locale.ROOT,
              "freshness run %d, serving node: P50 %,.1f ms, P99 %,.1f ms%n",
              r,
              nodeP50.get(nodeP50.size() - 1),
              nodeP99.get(nodeP99.size() - 1));
        }
      }
    }

    System.out.println();
    System.out.println("=== Summary ===");
    System.out.printf(
        Locale.ROOT,
        "%-34s %s%n",
        "machine",
        String.format(
            Locale.ROOT,
            "%d cores, max heap %,d MiB, Java %s",
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20,
            System.getProperty("java.version")));
    if (throughput) {
      System.out.printf(
          Locale.ROOT,
          "%-34s %,d events, simulated %,.0f events/s, median of %d runs after %d warm-up%n",
          "throughput settings",
          events,
          simulatedRate,
          runs,
          warmupRuns);
      System.out.printf(
          Locale.ROOT, "%-34s %,14.0f events/s%n", "raw consume (KafkaConsumer)", rawMedian);
      System.out.printf(
          Locale.ROOT, "%-34s %,14.0f events/s%n", "pipeline (to change feed)", pipelineMedian);
      System.out.printf(
          Locale.ROOT, "%-34s %14.3f%n", "ratio pipeline / raw", pipelineMedian / rawMedian);
      System.out.printf(
          Locale.ROOT,
          "%-34s %,14.1f us (%,.0f events/s per core)%n",
          "pipeline CPU per event",
          Stats.median(cpuPerEvent),
          1e6 / Stats.median(cpuPerEvent));
      System.out.printf(
          Locale.ROOT,
          "%-34s %,14.0f bytes%n",
          "pipeline allocated per event",
          Stats.median(bytesPerEvent));
      if (!passThroughRates.isEmpty()) {
        double passThrough = Stats.median(passThroughRates);
        System.out.printf(
            Locale.ROOT,
            "%-34s %,14.0f events/s (%.1f us CPU, %,.0f bytes allocated per event)%n",
            "Beam pass-through (read + parse)",
            passThrough,
            Stats.median(passThroughCpuPerEvent),
            Stats.median(passThroughBytesPerEvent));
        System.out.printf(
            Locale.ROOT,
            "%-34s %14.3f%n",
            "ratio pipeline / pass-through",
            pipelineMedian / passThrough);
      }
    }
    if (freshnessRan) {
      System.out.printf(
          Locale.ROOT,
          "%-34s %,.0f events/s live for %d s (+%d s warm-up), probe every 100 ms%n",
          "freshness settings",
          rate,
          freshnessSeconds,
          freshnessWarmup);
      if (freshP50.isEmpty() || nodeP50.isEmpty()) {
        System.out.printf(Locale.ROOT, "%-34s %s%n", "freshness", "no probe update seen");
        code = 1;
      } else {
        System.out.printf(
            Locale.ROOT,
            "%-34s P50 %,.1f ms, P99 %,.1f ms (median of %d runs)%n",
            "freshness (produce -> change feed)",
            Stats.median(freshP50),
            Stats.median(freshP99),
            freshP50.size());
        System.out.printf(
            Locale.ROOT,
            "%-34s P50 %,.1f ms, P99 %,.1f ms (median of %d runs)%n",
            "freshness (produce -> query)",
            Stats.median(nodeP50),
            Stats.median(nodeP99),
            nodeP50.size());
      }
    }
    if (table) {
      printTable(rate);
    }
    return code;
  }

  /** The figures as rows of bin/benchmarks' table: benchmark, figure, median, runs, note. */
  private void printTable(double freshnessAt) {
    String name =
        label != null
            ? label
            : String.format(
                Locale.ROOT,
                "Kafka → change feed, parallelism %d%s",
                parallelism,
                generator.hotKeySkew > 0 ? ", hot-key skew " + generator.hotKeySkew : "");
    if (!pipelineRates.isEmpty()) {
      BenchmarkTable.print(
          name, "raw consume (events/s)", rawRates, "%,.0f", "same topic, plain KafkaConsumer");
      BenchmarkTable.print(
          name,
          "pipeline (events/s)",
          pipelineRates,
          "%,.0f",
          String.format(
              Locale.ROOT,
              "ratio to raw %.3f; %,d events",
              Stats.median(pipelineRates) / Stats.median(rawRates),
              events));
      BenchmarkTable.print(
          name,
          "pipeline CPU per event (µs)",
          cpuPerEvent,
          "%,.1f",
          String.format(Locale.ROOT, "%,.0f events/s per core", 1e6 / Stats.median(cpuPerEvent)));
      BenchmarkTable.print(
          name, "pipeline allocated per event (bytes)", bytesPerEvent, "%,.0f", "all threads");
    }
    if (!passThroughRates.isEmpty()) {
      BenchmarkTable.print(
          name,
          "Beam pass-through, read + parse (events/s)",
          passThroughRates,
          "%,.0f",
          String.format(
              Locale.ROOT,
              "pipeline / pass-through %.3f; %.1f µs CPU, %,.0f bytes allocated per event",
              Stats.median(pipelineRates) / Stats.median(passThroughRates),
              Stats.median(passThroughCpuPerEvent),
              Stats.median(passThroughBytesPerEvent)));
    }
    if (!freshP50.isEmpty()) {
      String at = String.format(Locale.ROOT, "at %,.0f events/s", freshnessAt);
      BenchmarkTable.print(name, "freshness produce → change feed P50 (ms)", freshP50, "%,.1f", at);
      BenchmarkTable.print(name, "freshness produce → change feed P99 (ms)", freshP99, "%,.1f", at);
    }
    if (!nodeP50.isEmpty()) {
      String at =
          String.format(Locale.ROOT, "at %,.0f events/s; a serving node's hot tier", freshnessAt);
      BenchmarkTable.print(name, "freshness produce → query P50 (ms)", nodeP50, "%,.1f", at);
      BenchmarkTable.print(name, "freshness produce → query P99 (ms)", nodeP99, "%,.1f", at);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Throughput

  /** {median raw events/s, median pipeline events/s (NaN when a run did not complete)}. */
  private double[] throughput() throws Exception {
    String topic = runId + "-events";
    StreamingMainOptions topics = options("throughput-setup", topic);
    KafkaTopics.ensure(topics, partitions, (short) 1);

    // Event times end 3 minutes ago: past the last window's end (≤ 1 min) and allowed lateness
    // (1 min), so every window can turn final as soon as the pipeline has caught up.
    long spanMillis = (long) (events * 1000.0 / simulatedRate);
    long start = System.currentTimeMillis() - spanMillis - 180_000L;
    SyntheticSettings settings =
        generator
            .applyTo(SyntheticSettings.defaults(), 42)
            .withSimulatedRate(simulatedRate)
            .withStartMillis(start)
            .withMaxEvents(events);
    GroundTruth truth = new GroundTruth(0);
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = SyntheticProducer.producer(bootstrapServers)) {
      SyntheticProducer.send(
          producer, topic, SyntheticEvents.of(settings), 0, events, () -> false, truth);
    }
    double produceSeconds = (System.nanoTime() - t0) / 1e9;
    long expected = truth.distinct() - truth.late();
    System.out.printf(
        Locale.ROOT,
        "produced %,d events (%,d distinct, %,d late) to %s in %.1f s (%,.0f events/s)%n",
        truth.sent(),
        truth.distinct(),
        truth.late(),
        topic,
        produceSeconds,
        truth.sent() / produceSeconds);
    if (truth.late() > 0) {
      System.out.println(
          "note: with late events, completion = the on-time distinct events counted");
    }

    for (int w = 1; w <= warmupRuns; w++) {
      rawConsume(topic, truth.sent());
      System.out.printf(Locale.ROOT, "warm-up run %d (not counted):%n", w);
      pipelineRun(topic, "warm-up-" + w, expected);
      passThroughRun(topic, "warm-up-" + w, truth.sent());
    }
    cpuPerEvent.clear();
    bytesPerEvent.clear();
    passThroughCpuPerEvent.clear();
    passThroughBytesPerEvent.clear();
    List<Double> raw = new ArrayList<>();
    List<Double> piped = new ArrayList<>();
    boolean complete = true;
    for (int r = 1; r <= runs; r++) {
      double rawRate = rawConsume(topic, truth.sent());
      raw.add(rawRate);
      System.out.printf(Locale.ROOT, "run %d raw consume %,14.0f events/s%n", r, rawRate);
      double rate = pipelineRun(topic, "run-" + r, expected);
      if (Double.isNaN(rate)) {
        complete = false;
      } else {
        piped.add(rate);
      }
      double passThrough = passThroughRun(topic, "run-" + r, truth.sent());
      if (!Double.isNaN(passThrough)) {
        passThroughRates.add(passThrough);
      }
    }
    rawRates.addAll(raw);
    pipelineRates.addAll(piped);
    return new double[] {Stats.median(raw), complete ? Stats.median(piped) : Double.NaN};
  }

  /** A plain consumer reading the whole topic (bytes, counted); events/s. */
  private double rawConsume(String topic, long expected) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = partitionsOf(consumer, topic);
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long t0 = System.nanoTime();
      consumer.seekToBeginning(parts);
      long count = 0;
      long bytes = 0;
      while (!caughtUp(consumer, end)) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          count++;
          bytes += record.value() == null ? 0 : record.value().length;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (count != expected) {
        System.out.printf(
            Locale.ROOT, "WARNING: raw consumer read %,d records, %,d expected%n", count, expected);
      }
      System.out.printf(
          Locale.ROOT,
          "      raw consumer: %,d records, %,d MiB in %.2f s%n",
          count,
          bytes >> 20,
          seconds);
      return count / seconds;
    }
  }

  /**
   * Runs the pipeline over the whole events topic to a fresh change feed; events/s from the job's
   * submission until the change feed accounts for {@code expected} distinct events, NaN when it
   * never does within the timeout.
   */
  private double pipelineRun(String eventsTopic, String run, long expected) throws Exception {
    StreamingMainOptions options = options("throughput-" + run, eventsTopic);
    KafkaTopics.ensure(options, partitions, (short) 1);
    FeedWatcher feed = new FeedWatcher(bootstrapServers, options.getChangeFeedTopic());
    Pipeline pipeline = Pipeline.create(options);
    KafkaAggregationPipeline.build(pipeline, MetricCatalogSource.fixed(MetricCatalog.defaults()));
    long t0 = System.nanoTime();
    RunningPipeline running = RunningPipeline.start(pipeline);
    try {
      running.awaitSubmitted(Duration.ofMinutes(2));
      long submitted = System.nanoTime();
      // CPU the pipeline uses: the whole process's, less this thread's (it reads the feed).
      long cpu0 = processCpuNanos();
      long watcherCpu0 = THREADS.getCurrentThreadCpuTime();
      long allocated0 = allocatedBytes();
      long watcherAllocated0 = THREADS.getCurrentThreadAllocatedBytes();
      long deadline = submitted + timeoutSeconds * 1_000_000_000L;
      long counted = 0;
      long doneAt = 0;
      while (System.nanoTime() < deadline && !running.isFinished()) {
        counted = feed.pollCounts();
        if (counted >= expected) {
          doneAt = feed.lastIncreaseNanos;
          break;
        }
      }
      if (doneAt == 0) {
        System.out.printf(
            Locale.ROOT,
            "%s pipeline: INCOMPLETE, change feed counts %,d of %,d distinct events after %.0f s%s%n",
            run,
            counted,
            expected,
            (System.nanoTime() - submitted) / 1e9,
            running.isFinished() ? " (the pipeline ended)" : "");
        return Double.NaN;
      }
      double seconds = (doneAt - submitted) / 1e9;
      double rate = events / seconds;
      double cpuMicros =
          (processCpuNanos() - cpu0 - (THREADS.getCurrentThreadCpuTime() - watcherCpu0)) / 1e3;
      cpuPerEvent.add(cpuMicros / events);
      double allocated =
          allocatedBytes()
              - allocated0
              - (THREADS.getCurrentThreadAllocatedBytes() - watcherAllocated0);
      bytesPerEvent.add(allocated / events);
      System.out.printf(
          Locale.ROOT,
          "%s pipeline    %,14.0f events/s  (all %,d distinct events on the change feed %.2f s"
              + " after job submission; %.2f s incl. mini-cluster start; %,d feed records;"
              + " %.1f us CPU and %,.0f bytes allocated per event)%n",
          run,
          rate,
          expected,
          seconds,
          (doneAt - t0) / 1e9,
          feed.records,
          cpuMicros / events,
          allocated / events);
      return rate;
    } finally {
      running.cancel(Duration.ofSeconds(60));
      feed.close();
    }
  }

  /**
   * Beam reading the same topic on the same runner and parallelism, decoding and parsing every
   * record as the pipeline does, and nothing else: what the runner and the source cost before any
   * of Tally's own work, so that the pipeline's rate over this one is the cost of that work.
   * Events/s from the job's submission until every record is counted; NaN when that never happens.
   */
  private double passThroughRun(String eventsTopic, String run, long expected) throws Exception {
    StreamingMainOptions options = options("pass-through-" + run, eventsTopic);
    String counter = runId + "-pass-through-" + run;
    org.joda.time.Duration maxDisorder =
        org.joda.time.Duration.millis(Durations.parseMillis(options.getMaxDisorder()));
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("ReadEvents", ReadEventsFromKafka.with(options, maxDisorder))
        .apply("Parse", ParDo.of(new ParseFn()))
        .apply("Count", LocalCounters.sink(counter));
    // Read as the pipeline reads (KafkaAggregationPipeline does the same), so that the ratio is
    // Tally's own work.
    QuietSourceReaders.apply(pipeline);
    LocalCounters.Tally parsed = LocalCounters.named(counter);
    RunningPipeline running = RunningPipeline.start(pipeline);
    try {
      running.awaitSubmitted(Duration.ofMinutes(2));
      long submitted = System.nanoTime();
      long cpu0 = processCpuNanos();
      long ownCpu0 = THREADS.getCurrentThreadCpuTime();
      long allocated0 = allocatedBytes();
      long ownAllocated0 = THREADS.getCurrentThreadAllocatedBytes();
      long deadline = submitted + timeoutSeconds * 1_000_000_000L;
      while (parsed.count() < expected && System.nanoTime() < deadline && !running.isFinished()) {
        Thread.sleep(20);
      }
      if (parsed.count() < expected) {
        System.out.printf(
            Locale.ROOT,
            "%s pass-through: INCOMPLETE, %,d of %,d records parsed%n",
            run,
            parsed.count(),
            expected);
        return Double.NaN;
      }
      double seconds = (parsed.lastNanos() - submitted) / 1e9;
      double cpuMicros =
          (processCpuNanos() - cpu0 - (THREADS.getCurrentThreadCpuTime() - ownCpu0)) / 1e3;
      double allocated =
          allocatedBytes()
              - allocated0
              - (THREADS.getCurrentThreadAllocatedBytes() - ownAllocated0);
      passThroughCpuPerEvent.add(cpuMicros / expected);
      passThroughBytesPerEvent.add(allocated / expected);
      double rate = expected / seconds;
      System.out.printf(
          Locale.ROOT,
          "%s pass-through %,13.0f events/s  (Beam read + parse; %.1f us CPU and %,.0f bytes"
              + " allocated per event)%n",
          run,
          rate,
          cpuMicros / expected,
          allocated / expected);
      return rate;
    } finally {
      running.cancel(Duration.ofSeconds(60));
      LocalCounters.remove(counter);
    }
  }

  /** Parses each record as the pipeline does; an invalid record is counted as well. */
  static final class ParseFn extends DoFn<String, Boolean> {
    @ProcessElement
    public void process(@Element String json, OutputReceiver<Boolean> out) {
      boolean valid = true;
      try {
        EventParser.parse(json);
      } catch (InvalidEventException e) {
        valid = false;
      }
      out.output(valid);
    }
  }

  /** Reads a change feed from its beginning, tracking each events_by_category window's count. */
  static final class FeedWatcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> latest = new HashMap<>();
    long sum;
    long records;
    long lastIncreaseNanos;

    FeedWatcher(String bootstrapServers, String topic) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumer =
          new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> parts = partitionsOf(consumer, topic);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    /** Polls once; the sum over windows of their largest count. */
    long pollCounts() {
      ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
      long now = System.nanoTime();
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        records++;
        if (!startsWith(record.key(), COUNT_METRIC_KEY_PREFIX)) {
          continue;
        }
        WindowUpdate u = WindowUpdateJson.fromBytes(record.value());
        String key = new String(record.key(), StandardCharsets.UTF_8);
        long previous = latest.getOrDefault(key, 0L);
        if (u.events() > previous) {
          latest.put(key, u.events());
          sum += u.events() - previous;
          lastIncreaseNanos = now;
        }
      }
      return sum;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Freshness

  /** Delays from produce to the change feed, and to a serving node's hot tier (queryable). */
  record Freshness(Histogram feed, Histogram node) {}

  private Freshness freshness(double rate, int run) throws Exception {
    String topic = runId + "-fresh" + run + "-events";
    StreamingMainOptions options = options("freshness" + run, topic);
    KafkaTopics.ensure(options, partitions, (short) 1);
    System.out.printf(
        Locale.ROOT,
        "%nfreshness: %,.0f events/s live to %s for %d s after %d s of warm-up%n",
        rate,
        topic,
        freshnessSeconds,
        freshnessWarmup);

    ProbeDelays.Sent probes = new ProbeDelays.Sent();
    ProbeDelays onFeed = new ProbeDelays(probes);
    ProbeDelays onNode = new ProbeDelays(probes);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();

    Pipeline pipeline = Pipeline.create(options);
    KafkaAggregationPipeline.build(pipeline, MetricCatalogSource.fixed(MetricCatalog.defaults()));
    RunningPipeline running = RunningPipeline.start(pipeline);
    Thread watcher = null;
    String nodeName = runId + "-freshness" + run + "-node";
    TallyServer node = null;
    try {
      running.awaitSubmitted(Duration.ofMinutes(2));
      String feedTopic = options.getChangeFeedTopic();
      node = startServingNode(nodeName, feedTopic, onNode);
      watcher =
          new Thread(
              () -> {
                try {
                  watchProbes(feedTopic, onFeed, stop);
                } catch (Throwable e) {
                  failure.set(e);
                }
              },
              "kafka-benchmark-feed");
      watcher.start();

      // The load: the load generator's live generator and send loop.
      LoadGenerator load = new LoadGenerator();
      load.rate = rate;
      load.options = generator;
      load.firstIndex = 0;
      long now = System.currentTimeMillis();
      SyntheticEvents live = load.generator(now);
      long loadEnd = now + (freshnessWarmup + freshnessSeconds) * 1000L;
      GroundTruth truth = new GroundTruth(0);
      Thread loader =
          new Thread(
              () -> {
                try (KafkaProducer<byte[], byte[]> producer =
                    SyntheticProducer.producer(bootstrapServers)) {
                  SyntheticProducer.send(
                      producer,
                      topic,
                      live,
                      0,
                      Long.MAX_VALUE,
                      () -> System.currentTimeMillis() >= loadEnd,
                      truth);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "kafka-benchmark-load");
      loader.start();

      probes.measureFrom(System.nanoTime() + freshnessWarmup * 1_000_000_000L);
      long probesSent = 0;
      try (KafkaProducer<byte[], byte[]> producer = SyntheticProducer.producer(bootstrapServers)) {
        byte[] key = PROBE_CATEGORY.getBytes(StandardCharsets.UTF_8);
        long next = System.nanoTime();
        while (System.currentTimeMillis() < loadEnd) {
          long ts = System.currentTimeMillis();
          long window = ts - Math.floorMod(ts, 60_000L);
          String json =
              "{\"id\":\""
                  + runId
                  + "-probe-"
                  + probesSent
                  + "\",\"source\":\"benchmark\","
                  + "\"type\":\"probe\",\"category\":\""
                  + PROBE_CATEGORY
                  + "\",\"ts\":"
                  + ts
                  + ",\"geo\":\"US\",\"entity\":\"probe\",\"user\":\"probe\",\"value\":1}";
          probes.add(window, System.nanoTime());
          producer.send(new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8)));
          probesSent++;
          next += 100_000_000L;
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
          }
        }
      }
      loader.join();
      Thread.sleep(3_000); // the last probes' updates
      stop.set(true);
      watcher.join();
      if (failure.get() != null) {
        throw new IllegalStateException("freshness phase failed", failure.get());
      }
      Freshness freshness = new Freshness(onFeed.histogram(), onNode.histogram());
      System.out.printf(
          Locale.ROOT,
          "sent %,d events (%,.0f/s achieved) and %,d probes; %,d probe updates measured on the"
              + " change feed, %,d on the serving node%n",
          truth.sent(),
          truth.sent() / (double) (freshnessWarmup + freshnessSeconds),
          probesSent,
          freshness.feed().getTotalCount(),
          freshness.node().getTotalCount());
      return freshness;
    } finally {
      stop.set(true);
      running.cancel(Duration.ofSeconds(60));
      if (node != null) {
        node.close();
      }
      SharedHotStores.remove(nodeName);
    }
  }

  /** Follows the change feed and hands every update of the probe category to {@code delays}. */
  private void watchProbes(String feedTopic, ProbeDelays delays, AtomicBoolean stop) {
    byte[] probeKey = ("\"" + PROBE_CATEGORY + "\"").getBytes(StandardCharsets.UTF_8);
    try (FeedWatcher feed = new FeedWatcher(bootstrapServers, feedTopic)) {
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> record : feed.consumer.poll(Duration.ofMillis(50))) {
          long received = System.nanoTime();
          if (startsWith(record.key(), COUNT_METRIC_KEY_PREFIX)
              && contains(record.key(), probeKey)) {
            WindowUpdate u = WindowUpdateJson.fromBytes(record.value());
            delays.updated(u.startMillis(), u.events(), received);
          }
        }
      }
    }
  }

  /**
   * A serving node in this JVM that follows {@code feedTopic} into its hot tier, as a deployed one
   * would; {@code delays} hears of each update of the probe category the moment the node has stored
   * it, which is when a query first sees it.
   */
  private TallyServer startServingNode(String name, String feedTopic, ProbeDelays delays)
      throws Exception {
    Path config = Files.createTempFile("kafka-benchmark-serving", ".yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "hotStore:",
            "  name: " + name,
            "kafka:",
            "  bootstrapServers: " + bootstrapServers,
            "  eventsTopic: " + name + "-unused-events",
            "  changeFeedTopic: " + feedTopic,
            "subscriptions:",
            "  savedQueriesTopic: " + name + "-saved",
            "server:",
            "  applicationConnectors:",
            "    - type: http",
            "      port: 0",
            "      bindHost: 127.0.0.1",
            "  adminConnectors:",
            "    - type: http",
            "      port: 0",
            "      bindHost: 127.0.0.1",
            "  requestLog:",
            "    appenders: []",
            "logging:",
            "  level: WARN",
            ""));
    config.toFile().deleteOnExit();
    SharedHotStores.named(name)
        .addListener(
            u -> {
              if (u.metric().equals(COUNT_METRIC)
                  && PROBE_CATEGORY.equals(u.groupMap().get("category"))) {
                delays.updated(u.startMillis(), u.events(), System.nanoTime());
              }
            });
    return TallyServer.start(new TallyApplication(), config.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** StreamingMain's options for a run reading {@code eventsTopic}; no checkpoints. */
  private StreamingMainOptions options(String name, String eventsTopic) {
    String prefix = runId + "-" + name;
    List<String> args = new ArrayList<>();
    args.add("--bootstrapServers=" + bootstrapServers);
    args.add("--eventsTopic=" + eventsTopic);
    args.add("--changeFeedTopic=" + prefix + "-feed");
    args.add("--deadLetterTopic=" + prefix + "-dlq");
    args.add("--consumerGroup=" + prefix);
    args.add("--parallelism=" + parallelism);
    if (production) {
      String database = (prefix + "_history").replaceAll("[^A-Za-z0-9_]", "_");
      args.add("--checkpointingInterval=10000");
      args.add(
          "--checkpointDir="
              + Path.of("target", "benchmarks", prefix, "checkpoints").toAbsolutePath());
      args.add("--historyJdbcUrl=" + clickhouseUrl);
      args.add("--historyDatabase=" + database);
      args.add("--archiveJdbcUrl=" + clickhouseUrl);
      args.add("--archiveDatabase=" + database);
    } else if (beamArgs.stream().noneMatch(a -> a.startsWith("--checkpointingInterval="))) {
      args.add("--checkpointingInterval=-1");
    }
    args.addAll(beamArgs);
    return StreamingMain.options(args.toArray(String[]::new));
  }

  static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo info : infos) {
      parts.add(new TopicPartition(topic, info.partition()));
    }
    return parts;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes == null || bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= bytes.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Bytes allocated so far by the threads alive now. Threads that ended since an earlier reading
   * take their share with them, so a difference is a slight underestimate.
   */
  private static long allocatedBytes() {
    long sum = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
