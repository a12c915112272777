package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.model.event.Event;
import io.tally.runners.launch.RunningPipeline;
import io.tally.runners.streaming.StreamingMain;
import io.tally.transforms.DeduplicateEvents;
import io.tally.transforms.coders.EventCoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * De-duplication's state through a running Flink job, on the heap and in RocksDB: how fast the job
 * remembers N new identities, and how long a checkpoint of that state takes and how big it is. The
 * job is the pipeline's own de-duplication stage ({@link DeduplicateEvents}, 1,024 shards, with the
 * layout each backend gets in production) fed from a generator in the same process, checkpointing
 * every 10 s to local disk like the streaming job; a second, almost idle source holds the watermark
 * at the wall clock so that nothing is forgotten while it is measured.
 *
 * <p>Figures: identities per second from the first to the last one seen past de-duplication; the
 * longest checkpoint while they came in (Flink's own duration of each checkpoint that completed);
 * then, after two checkpoints complete with all N remembered, Flink's figures for the last one
 * (duration, bytes written, full size: for RocksDB's incremental checkpoints the bytes written are
 * what changed since the previous checkpoint, nearly nothing once the identities are in).
 */
@Command(
    name = "identity-state-benchmark job",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fills de-duplication's state with N identities through a running Flink job, on the heap"
          + " and in RocksDB: identities per second, checkpoint duration and size."
    })
public final class IdentityStateJobBenchmark implements Callable<Integer> {
  /** Identities seen past de-duplication, in this process (the local cluster runs here). */
  static final AtomicLong PASSED = new AtomicLong();

  /** When the first identity passed: {@code System.nanoTime()}, 0 before. */
  static final AtomicLong FIRST_NANOS = new AtomicLong();

  private static final Pattern METRIC_LINE =
      Pattern.compile("(?m)^(flink_jobmanager_job_\\w+)\\{[^}]*\\} ([0-9.eE+-]+)$");

  @Option(
      names = "--identities",
      defaultValue = "10000000",
      description = "Distinct identities to remember (${DEFAULT-VALUE}).")
  long identities;

  @Option(
      names = "--backends",
      split = ",",
      defaultValue = "heap,rocksdb",
      description = "State backends, in order (${DEFAULT-VALUE}).")
  List<String> backends;

  @Option(
      names = "--rocksdb-layout",
      defaultValue = "entries",
      description =
          "The layout on RocksDB (${DEFAULT-VALUE}, the job's choice); table measures the heap's"
              + " layout there, as a baseline.")
  String rocksDbLayout;

  @Option(names = "--runs", defaultValue = "1", description = "Runs per backend.")
  int runs;

  @Option(names = "--parallelism", defaultValue = "2")
  int parallelism;

  @Option(
      names = "--dir",
      defaultValue = "target/identity-state-job-benchmark",
      description = "Checkpoints and RocksDB's files; emptied after each run (${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--prometheus-port", defaultValue = "9291")
  int prometheusPort;

  @Option(names = "--table", description = "Also print markdown rows for bin/benchmarks.")
  boolean table;

  private final HttpClient http = HttpClient.newHttpClient();

  /** Figures of one run. */
  private record Figures(
      double identitiesPerSecond,
      double longestFillCheckpointSeconds,
      double checkpointSeconds,
      double checkpointMegabytes,
      double fullMegabytes) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new IdentityStateJobBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%,d identities through a Flink job (parallelism %d, %,d shards), checkpoints every 10 s;"
            + " heap %,d MB max%n",
        identities,
        parallelism,
        DeduplicateEvents.DEFAULT_SHARDS,
        Runtime.getRuntime().maxMemory() >> 20);
    for (String backend : backends) {
      List<Figures> figures = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        Figures f = measure(backend, run);
        figures.add(f);
        System.out.printf(
            Locale.ROOT,
            "%-8s run %d: %,.0f identities/s, longest checkpoint meanwhile %.2f s; then a"
                + " checkpoint %.2f s, %,.1f MB written, %,.1f MB full (%.1f bytes/identity)%n",
            backend,
            run,
            f.identitiesPerSecond(),
            f.longestFillCheckpointSeconds(),
            f.checkpointSeconds(),
            f.checkpointMegabytes(),
            f.fullMegabytes(),
            f.fullMegabytes() * 1e6 / identities);
      }
      if (table) {
        String name =
            String.format(
                Locale.ROOT, "identity-state job, %s, %,d identities", backend, identities);
        String note = "layout " + layout(backend).name().toLowerCase(Locale.ROOT);
        BenchmarkTable.print(
            name,
            "identities/s",
            figures.stream().map(Figures::identitiesPerSecond).toList(),
            "%,.0f",
            note);
        BenchmarkTable.print(
            name,
            "longest checkpoint while filling, s",
            figures.stream().map(Figures::longestFillCheckpointSeconds).toList(),
            "%.2f",
            "every 10 s");
        BenchmarkTable.print(
            name,
            "checkpoint when full, s",
            figures.stream().map(Figures::checkpointSeconds).toList(),
            "%.2f",
            "all identities remembered");
        BenchmarkTable.print(
            name,
            "checkpoint full size, MB",
            figures.stream().map(Figures::fullMegabytes).toList(),
            "%,.1f",
            "");
      }
    }
    return 0;
  }

  private DeduplicateEvents.Layout layout(String backend) {
    return backend.equals("rocksdb")
        ? DeduplicateEvents.Layout.named(rocksDbLayout)
        : DeduplicateEvents.Layout.TABLE;
  }

  private Figures measure(String backend, int run) throws Exception {
    Path runDir = dir.resolve(backend + "-" + run);
    delete(runDir);
    Files.createDirectories(runDir);
    List<String> args = new ArrayList<>();
    args.add("--checkpointDir=" + runDir.resolve("checkpoints"));
    args.add("--parallelism=" + parallelism);
    args.add("--prometheusPort=" + prometheusPort);
    if (backend.equals("rocksdb")) {
      args.add("--stateBackend=rocksdb");
      // RocksDB's working files beside the checkpoints, not in /tmp.
      args.add("--flinkConfDir=" + rocksDbConf(runDir));
    } else if (!backend.equals("heap")) {
      throw new IllegalArgumentException("--backends: heap or rocksdb, not " + backend);
    }
    PipelineOptions options = StreamingMain.options(Map.of(), args.toArray(String[]::new));
    PASSED.set(0);
    FIRST_NANOS.set(0);
    Pipeline pipeline = Pipeline.create(options);
    long start = Instant.now().getMillis();
    long n = identities;
    PCollection<Long> numbers =
        PCollectionList.of(pipeline.apply("Identities", GenerateSequence.from(0).to(n)))
            // Unbounded, one element an hour: keeps the job and its watermark (the wall clock)
            // going once the identities are in, so checkpoints go on and nothing is forgotten.
            .and(
                pipeline.apply(
                    "HoldWatermark",
                    GenerateSequence.from(n).withRate(1, org.joda.time.Duration.standardHours(1))))
            .apply(Flatten.pCollections());
    numbers
        .apply("ToEvents", ParDo.of(new ToEvent(start, n)))
        .setCoder(EventCoder.of())
        .apply(
            "Deduplicate",
            DeduplicateEvents.within(org.joda.time.Duration.standardDays(1))
                .withLayout(layout(backend)))
        .apply("Count", ParDo.of(new CountPassed()));

    try (RunningPipeline running = RunningPipeline.start(pipeline)) {
      running.awaitSubmitted(Duration.ofMinutes(2));
      double longest = 0;
      long polled = System.nanoTime();
      while (PASSED.get() < n) {
        if (running.isFinished()) {
          throw new IllegalStateException("the job ended: " + running.awaitFinish());
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        if (System.nanoTime() - polled > TimeUnit.SECONDS.toNanos(1)) {
          // Checkpoints complete every 10 s: a poll a second sees each one's duration.
          longest = Math.max(longest, metric("lastCheckpointDuration") / 1e3);
          polled = System.nanoTime();
        }
      }
      double seconds = (System.nanoTime() - FIRST_NANOS.get()) / 1e9;
      double rate = n / seconds;
      long completed = (long) metric("numberOfCompletedCheckpoints");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
      while (metric("numberOfCompletedCheckpoints") < completed + 2) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no two checkpoints in 30 minutes");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      Figures figures =
          new Figures(
              rate,
              longest,
              metric("lastCheckpointDuration") / 1e3,
              metric("lastCheckpointSize") / 1e6,
              metric("lastCheckpointFullSize") / 1e6);
      running.cancel(Duration.ofMinutes(2));
      return figures;
    } finally {
      delete(runDir);
    }
  }

  private static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A configuration directory that puts RocksDB's local files under {@code runDir}. */
  private static Path rocksDbConf(Path runDir) throws IOException {
    Path conf = Files.createDirectories(runDir.resolve("conf"));
    Files.writeString(
        conf.resolve("flink-conf.yaml"),
        "state.backend.rocksdb.localdir: " + runDir.resolve("rocksdb").toAbsolutePath() + "\n");
    return conf;
  }

  /** A job-level figure from the job's Prometheus endpoint; -1 until it is reported. */
  private double metric(String name) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + "/"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = METRIC_LINE.matcher(response.body());
    while (m.find()) {
      if (m.group(1).equals("flink_jobmanager_job_" + name)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return -1;
  }

  /**
   * Number k as an event with an identity of its own, at an event time spread over the ten minutes
   * before the run started, as events of a 10-minute horizon would be.
   */
  static final class ToEvent extends DoFn<Long, Event> {
    private final long start;
    private final long identities;

    ToEvent(long start, long identities) {
      this.start = start;
      this.identities = identities;
    }

    @ProcessElement
    public void process(@Element Long k, OutputReceiver<Event> out) {
      if (k >= identities) {
        return; // the watermark holder's
      }
      long ts = start - 600_000 + (k % 600) * 1_000;
      out.outputWithTimestamp(
          new Event(
              "id-" + k,
              "identity-state-benchmark",
              "view",
              "c",
              ts,
              null,
              null,
              null,
              Event.DEFAULT_VALUE,
              Map.of()),
          new Instant(ts));
    }
  }

  /** Counts what passed de-duplication. */
  static final class CountPassed extends DoFn<Event, Void> {
    @ProcessElement
    public void process() {
      FIRST_NANOS.compareAndSet(0, System.nanoTime());
      PASSED.incrementAndGet();
    }
  }
}
