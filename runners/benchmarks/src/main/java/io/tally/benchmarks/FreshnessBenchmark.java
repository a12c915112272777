package io.tally.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.transforms.latency.StageLag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Freshness as users see it: from the start of {@code POST /v1/events} of a probe event to the
 * message of {@code GET /v1/metrics/{name}/stream} that first counts it, with the broker, the
 * streaming job and the query service as separate processes and the job in its production settings
 * ({@link LocalStack}). First the sustainable rate of that configuration: what it accepts and
 * counts end to end while clients send as fast as they can. Then, per run, on a fresh stack: the
 * first minute after start (at the highest load), each load (a share of the sustainable rate,
 * offered open loop) after a warm-up, and the first minute after the job was killed and restored
 * from its newest checkpoint (at the highest load). Probes go every {@code --probe-interval}, each
 * phase in a category of its own. The load generator runs in this process, on the same cores.
 *
 * <p>A warm-up lasts at least {@code --warmup-seconds} and until the job keeps up (the median delay
 * of the probes of its last few seconds is at most {@code --caught-up-ms}), at most {@code
 * --max-warmup-seconds}: after the first minute the job may still be working off its backlog, and a
 * load's minute measures the job once it has caught up. How long that took is printed.
 */
@Command(
    name = "freshness-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "POST -> SSE freshness of the production configuration under load.")
public final class FreshnessBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** The load of a warm-up is offered in slices of this length, checked after each. */
  private static final int WARMUP_SLICE_SECONDS = 5;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:29092")
  String bootstrapServers;

  @Option(names = "--clickhouse-url", defaultValue = "jdbc:clickhouse://127.0.0.1:8123/default")
  String clickHouseUrl;

  @Option(
      names = "--loads",
      split = ",",
      defaultValue = "10,25,50",
      description = "Loads, in percent of the sustainable rate (${DEFAULT-VALUE}).")
  List<Integer> loads;

  @Option(
      names = "--sustainable-rate",
      defaultValue = "0",
      description = "Events/s to take as the sustainable rate; 0: measure it first.")
  int sustainableRate;

  @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds per load.")
  int seconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "15",
      description = "Shortest warm-up per load (${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--caught-up-ms",
      defaultValue = "1000",
      description =
          "A warm-up ends once the probes of its last seconds took at most this at the median"
              + " (${DEFAULT-VALUE}).")
  int caughtUpMillis;

  @Option(
      names = "--max-warmup-seconds",
      defaultValue = "120",
      description = "Longest warm-up per load, caught up or not (${DEFAULT-VALUE}).")
  int maxWarmupSeconds;

  @Option(
      names = "--first-minute-seconds",
      defaultValue = "60",
      description = "The phase right after start, at the highest load; 0: none.")
  int firstMinuteSeconds;

  @Option(
      names = "--restore-seconds",
      defaultValue = "60",
      description =
          "After the loads, the job is killed (SIGKILL) and restored from its newest checkpoint;"
              + " then this phase at the highest load; 0: none.")
  int restoreSeconds;

  @Option(names = "--saturation-seconds", defaultValue = "30")
  int saturationSeconds;

  @Option(names = "--runs", defaultValue = "3")
  int runs;

  @Option(names = "--probe-interval-ms", defaultValue = "250")
  int probeIntervalMs;

  @Option(names = "--connections", defaultValue = "8", description = "Ingest connections.")
  int connections;

  @Option(
      names = "--parallelism",
      defaultValue = "1",
      description = "The job's parallelism (${DEFAULT-VALUE}: run-streaming's default).")
  int parallelism;

  @Option(names = "--checkpoint-interval-ms", defaultValue = "10000")
  int checkpointIntervalMs;

  @Option(
      names = "--without-archive",
      description = "Run the job without the event archive, to see what archiving costs.")
  boolean withoutArchive;

  @Option(names = "--job-heap", defaultValue = "2g")
  String jobHeap;

  @Option(names = "--service-heap", defaultValue = "1g")
  String serviceHeap;

  @Option(names = "--port", defaultValue = "18480", description = "Service; admin: the next.")
  int port;

  @Option(
      names = "--job-option",
      description = "A StreamingMain option for the job, e.g. --job-option=--earlyFiringDelay=50ms")
  List<String> jobOptions = new ArrayList<>();

  @Option(
      names = "--job-jvm-option",
      description = "A JVM option for the job, e.g. --job-jvm-option=-XX:+UseParallelGC")
  List<String> jobJvmOptions = new ArrayList<>();

  @Option(names = "--table", description = "Also print markdown rows for bin/benchmarks.")
  boolean table;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, ProbeTrace> traces = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new FreshnessBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Path.of("target", "benchmarks", "freshness-" + System.currentTimeMillis());
    System.out.printf(
        Locale.ROOT,
        "freshness benchmark: POST /v1/events -> SSE; job: parallelism %d, checkpoints every %d ms"
            + " to disk, history%s on ClickHouse %s; %d runs; logs under %s%n",
        parallelism,
        checkpointIntervalMs,
        withoutArchive ? " (no archive)" : " and archive",
        clickHouseUrl,
        runs,
        dir);
    int sustainable = sustainableRate > 0 ? sustainableRate : measureSustainable(dir);

    Map<String, List<ProbeTrace.Figures>> byPhase = new LinkedHashMap<>();
    Map<String, List<Double>> offered = new LinkedHashMap<>();
    int highest = loads.stream().mapToInt(Integer::intValue).max().orElse(50);
    for (int run = 1; run <= runs; run++) {
      try (LocalStack stack = LocalStack.start(settings(), dir.resolve("run-" + run), http);
          FeedWatcher watcher = new FeedWatcher(stack.changeFeedTopic)) {
        awaitPipeline(stack, "ready-" + run);
        if (firstMinuteSeconds > 0) {
          String phase = "first minute at " + highest + "%";
          Phase result =
              phase(stack, run, phase, sustainable * highest / 100, 0, firstMinuteSeconds);
          record(byPhase, offered, phase, result);
        }
        for (int load : loads) {
          String phase = load + "%";
          Phase result = phase(stack, run, phase, sustainable * load / 100, warmupSeconds, seconds);
          record(byPhase, offered, phase, result);
        }
        if (restoreSeconds > 0) {
          stack.killAndRestoreJob();
          awaitPipeline(stack, "restored-" + run);
          String phase = "first minute after a restore at " + highest + "%";
          Phase result = phase(stack, run, phase, sustainable * highest / 100, 0, restoreSeconds);
          record(byPhase, offered, phase, result);
        }
      }
    }

    System.out.printf(
        Locale.ROOT, "%nmedians of %d runs (sustainable rate %,d events/s):%n", runs, sustainable);
    for (Map.Entry<String, List<ProbeTrace.Figures>> entry : byPhase.entrySet()) {
      report(entry.getKey(), sustainable, entry.getValue(), offered.get(entry.getKey()));
    }
    return 0;
  }

  private LocalStack.Settings settings() {
    return new LocalStack.Settings(
        bootstrapServers,
        clickHouseUrl,
        port,
        port + 1,
        parallelism,
        checkpointIntervalMs,
        !withoutArchive,
        jobHeap,
        serviceHeap,
        jobOptions,
        jobJvmOptions);
  }

  /** One phase's outcome. */
  record Phase(ProbeTrace.Figures figures, double offeredPerSecond, long behindScheduleMillis) {}

  /**
   * {@code rate} events/s with probes throughout: a warm-up of at least {@code warmup} seconds that
   * lasts until the job keeps up (none for {@code 0}), then {@code measured} seconds; then waits
   * (bounded) for the last probes.
   */
  private Phase phase(LocalStack stack, int run, String name, int rate, int warmup, int measured)
      throws Exception {
    ProbeTrace trace = new ProbeTrace("probe/r" + run + "-" + name.replaceAll("[^a-z0-9]", ""));
    traces.put(trace.category, trace);
    trace.follow(http, stack.base);
    IngestLoad load = new IngestLoad(http, stack.base, stack.apiKey, stack.prefix + "-" + name);
    AtomicBoolean loading = new AtomicBoolean(true);
    Thread prober =
        IngestLoad.startThread(
            "probes",
            () -> {
              long next = System.nanoTime();
              while (loading.get()) {
                try {
                  trace.send(http, load);
                } catch (Exception e) {
                  System.err.println("probe failed: " + e);
                }
                next += TimeUnit.MILLISECONDS.toNanos(probeIntervalMs);
                IngestLoad.parkUntil(next);
              }
            });
    int warmedUp = 0;
    if (warmup > 0) {
      long lookback = TimeUnit.SECONDS.toNanos(WARMUP_SLICE_SECONDS);
      do {
        load.openLoop(rate, WARMUP_SLICE_SECONDS, connections);
        warmedUp += WARMUP_SLICE_SECONDS;
      } while (warmedUp < maxWarmupSeconds
          && (warmedUp < warmup || !trace.keepingUp(lookback, caughtUpMillis)));
    }
    trace.measure();
    long measuredFrom = System.currentTimeMillis();
    int lagIntervalsBefore = stageLagIntervals(stack);
    LocalStack.Resources before = stack.jobResources();
    IngestLoad.Result result = load.openLoop(rate, measured, connections);
    loading.set(false);
    prober.join();
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (!trace.allSeen() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    stack.checkAlive();
    trace.close();
    traces.remove(trace.category);
    long measuredTo = System.currentTimeMillis();
    List<Checkpoint> checkpoints =
        stack.jobCheckpoints().stream().filter(c -> c.overlaps(measuredFrom, measuredTo)).toList();
    ProbeTrace.Figures figures = trace.figures(checkpoints);
    trace.writeTimeline(stack.dir.resolve("probes-" + name.replaceAll("[^a-z0-9]", "") + ".csv"));
    System.out.printf(
        Locale.ROOT,
        "run %d, %-22s offered %,7.0f events/s (%,d refused, at most %,d ms behind schedule)"
            + " after %d s of warm-up:"
            + " P50 %6.1f ms  P90 %6.1f  P99 %6.1f  max %7.1f  probes %d, lost %d, over 500 ms %d,"
            + " longest gap %,d ms%n",
        run,
        name,
        result.acceptedPerSecond(),
        result.refused(),
        result.behindScheduleMillis(),
        warmedUp,
        Stats.millis(figures.endToEndMicros(), 50),
        Stats.millis(figures.endToEndMicros(), 90),
        Stats.millis(figures.endToEndMicros(), 99),
        Stats.millis(figures.endToEndMicros(), 100),
        figures.sent(),
        figures.lost(),
        figures.over500Ms(),
        figures.longestGapMillis());
    ProbeTrace.Stages s = figures.stages();
    System.out.printf(
        Locale.ROOT,
        "       stages P50 / P99 (ms): ingest ack %.1f / %.1f, ack -> change feed %.1f / %.1f,"
            + " feed -> consumer %.1f / %.1f, consumer -> SSE %.1f / %.1f; %s%n",
        Stats.millis(s.ingest(), 50),
        Stats.millis(s.ingest(), 99),
        Stats.millis(s.pipeline(), 50),
        Stats.millis(s.pipeline(), 99),
        Stats.millis(s.feed(), 50),
        Stats.millis(s.feed(), 99),
        Stats.millis(s.serving(), 50),
        Stats.millis(s.serving(), 99),
        stack.jobResources().perEvent(before, result.accepted()));
    printStageLags(stack, lagIntervalsBefore);
    printCheckpoints(checkpoints, figures);
    return new Phase(figures, result.acceptedPerSecond(), result.behindScheduleMillis());
  }

  /**
   * How much of the tail the job's checkpoints make: the probes whose path met one (from its
   * trigger to its completion) against all.
   */
  private static void printCheckpoints(List<Checkpoint> checkpoints, ProbeTrace.Figures figures) {
    List<Double> durations = checkpoints.stream().map(c -> (double) c.durationMillis()).toList();
    ProbeTrace.CheckpointShare met = figures.duringCheckpoints();
    System.out.printf(
        Locale.ROOT,
        "       checkpoints: %d, trigger to completion P50 %,.0f ms, max %,.0f; probes whose path"
            + " met one: %d of %d, P50 %.1f / P99 %.1f ms, %d of the %d over 500 ms%n",
        checkpoints.size(),
        durations.isEmpty() ? 0.0 : Stats.median(durations),
        durations.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        met.endToEndMicros().getTotalCount(),
        figures.endToEndMicros().getTotalCount(),
        Stats.millis(met.endToEndMicros(), 50),
        Stats.millis(met.endToEndMicros(), 99),
        met.over500Ms(),
        figures.over500Ms());
  }

  private static int stageLagIntervals(LocalStack stack) {
    try {
      return stack.jobStageLagLines().size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The job's own record of the measured part: per point of its path, how far behind the events'
   * {@code ts} it ran (all events, not only probes), and what each stage added at the median.
   */
  private static void printStageLags(LocalStack stack, int fromInterval) throws IOException {
    List<String> intervals = stack.jobStageLagLines();
    Map<StageLag.Point, Histogram> phase = new EnumMap<>(StageLag.Point.class);
    for (String interval : intervals.subList(Math.max(0, fromInterval), intervals.size())) {
      StageLag.parse(interval)
          .forEach((point, h) -> phase.computeIfAbsent(point, p -> new Histogram(h)).add(h));
    }
    StringJoiner lags = new StringJoiner(", ");
    StringJoiner added = new StringJoiner(", ");
    long previous = 0;
    for (StageLag.Point point : StageLag.Point.values()) {
      Histogram h = phase.get(point);
      if (h == null || h.getTotalCount() == 0) {
        continue;
      }
      lags.add(
          String.format(
              Locale.ROOT,
              "%s %d / %d",
              point.label(),
              h.getValueAtPercentile(50),
              h.getValueAtPercentile(99)));
      if (point != StageLag.Point.IN_KAFKA) {
        long median = h.getValueAtPercentile(50);
        added.add(String.format(Locale.ROOT, "%s +%d", point.label(), median - previous));
        previous = median;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "       in the job, behind the events' ts, P50 / P99 (ms): %s; added at the median: %s%n",
        lags,
        added);
  }

  /**
   * Clients send as fast as {@code connections} connections can for {@code saturationSeconds}; the
   * rate is what was accepted divided by the time until the job has counted it all (a probe per
   * partition sent after the load, each seen on the change feed).
   */
  private int measureSustainable(Path dir) throws Exception {
    try (LocalStack stack = LocalStack.start(settings(), dir.resolve("sustainable"), http);
        FeedWatcher watcher = new FeedWatcher(stack.changeFeedTopic)) {
      awaitPipeline(stack, "ready-sustainable");
      IngestLoad load = new IngestLoad(http, stack.base, stack.apiKey, stack.prefix + "-warm");
      load.openLoop(5_000, 15, connections); // JIT and connections warm
      LocalStack.Resources before = stack.jobResources();
      long start = System.nanoTime();
      IngestLoad.Result result = load.saturate(saturationSeconds, connections, 500);
      // Enough probe categories that every partition very likely has one.
      List<ProbeTrace> drains = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        ProbeTrace drain = new ProbeTrace("probe/drain-" + i);
        traces.put(drain.category, drain);
        drain.measure();
        drain.send(http, load);
        drains.add(drain);
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (!drains.stream().allMatch(ProbeTrace::feedSeenAll) && System.nanoTime() < deadline) {
        stack.checkAlive();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int rate = (int) (result.accepted() / seconds);
      // The newest resources line is at most a second old: wait for one written after the drain.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_500));
      String perEvent = stack.jobResources().perEvent(before, result.accepted());
      System.out.printf(
          Locale.ROOT,
          "sustainable: %,d events accepted in %.1f s (%,.0f events/s, %,d refused), all counted"
              + " after %.1f s: %,d events/s; %s%n",
          result.accepted(),
          result.seconds(),
          result.acceptedPerSecond(),
          result.refused(),
          seconds,
          rate,
          perEvent);
      if (table) {
        BenchmarkTable.print(
            "freshness: sustainable rate",
            "events/s accepted and counted",
            List.of((double) rate),
            "%,.0f",
            "clients sending as fast as " + connections + " connections can; " + perEvent);
      }
      return rate;
    }
  }

  /** Sends a probe a second until one reaches the stream: the whole path is up. */
  private void awaitPipeline(LocalStack stack, String name) throws Exception {
    ProbeTrace trace = new ProbeTrace("probe/" + name);
    trace.follow(http, stack.base);
    IngestLoad load = new IngestLoad(http, stack.base, stack.apiKey, stack.prefix + "-" + name);
    trace.measure();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      stack.checkAlive();
      trace.send(http, load);
      long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < next) {
        if (trace.figures(List.of()).endToEndMicros().getTotalCount() > 0) {
          trace.close();
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
    trace.close();
    throw new IllegalStateException("no probe reached the stream within 3 minutes");
  }

  private static void record(
      Map<String, List<ProbeTrace.Figures>> byPhase,
      Map<String, List<Double>> offered,
      String phase,
      Phase result) {
    byPhase.computeIfAbsent(phase, p -> new ArrayList<>()).add(result.figures());
    offered.computeIfAbsent(phase, p -> new ArrayList<>()).add(result.offeredPerSecond());
  }

  private void report(
      String phase, int sustainable, List<ProbeTrace.Figures> runs, List<Double> offered) {
    List<Double> p50 = percentiles(runs, 50);
    List<Double> p90 = percentiles(runs, 90);
    List<Double> p99 = percentiles(runs, 99);
    List<Double> max = percentiles(runs, 100);
    long lost = runs.stream().mapToLong(ProbeTrace.Figures::lost).sum();
    long over500 = runs.stream().mapToLong(ProbeTrace.Figures::over500Ms).sum();
    long over500MetCheckpoint =
        runs.stream().mapToLong(f -> f.duringCheckpoints().over500Ms()).sum();
    long gap = runs.stream().mapToLong(ProbeTrace.Figures::longestGapMillis).max().orElse(0);
    long probes = runs.stream().mapToLong(ProbeTrace.Figures::sent).sum();
    System.out.printf(
        Locale.ROOT,
        "%-22s %,7.0f events/s: P50 %6.1f ms  P90 %6.1f  P99 %6.1f  max %7.1f;"
            + " %d probes, %d lost, %d over 500 ms (%d met a checkpoint); longest gap %,d ms%n",
        phase,
        Stats.median(offered),
        Stats.median(p50),
        Stats.median(p90),
        Stats.median(p99),
        Stats.median(max),
        probes,
        lost,
        over500,
        over500MetCheckpoint,
        gap);
    if (table) {
      String load =
          String.format(
              Locale.ROOT,
              "freshness POST -> SSE, %s (%,.0f events/s)",
              phase,
              Stats.median(offered));
      String note =
          String.format(
              Locale.ROOT,
              "%d probes, %d lost, %d over 500 ms, longest gap %,d ms",
              probes,
              lost,
              over500,
              gap);
      BenchmarkTable.print(load, "P50 (ms)", p50, "%.1f", note);
      BenchmarkTable.print(load, "P99 (ms)", p99, "%.1f", note);
      BenchmarkTable.print(load, "max (ms)", max, "%.1f", note);
    }
  }

  private static List<Double> percentiles(List<ProbeTrace.Figures> runs, double percentile) {
    return runs.stream().map(f -> Stats.millis(f.endToEndMicros(), percentile)).toList();
  }

  /** Reads the change feed from its end and hands each probe category's records to its trace. */
  private final class FeedWatcher implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    FeedWatcher(String topic) {
      KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                  ByteArrayDeserializer.class,
                  ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                  ByteArrayDeserializer.class,
                  ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                  5));
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      thread =
          IngestLoad.startThread(
              "feed-watcher",
              () -> {
                try (consumer) {
                  while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(20))) {
                      handle(record, System.currentTimeMillis());
                    }
                  }
                }
              });
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, long seenWall) {
      String value = new String(record.value(), StandardCharsets.UTF_8);
      if (!value.contains("\"probe/")) {
        return;
      }
      try {
        JsonNode update = JSON.readTree(value);
        ProbeTrace trace = traces.get(update.path("group").path("category").asText());
        if (trace != null && ProbeTrace.METRIC.equals(update.path("metric").asText())) {
          trace.feedUpdate(update, record.timestamp(), seenWall);
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable change-feed record: " + value, e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
