package io.tally.runners.streaming;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.kafka.KafkaAggregationPipeline;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.runners.launch.CheckpointLocation;
import io.tally.runners.launch.Checkpoints;
import io.tally.runners.launch.FlinkConfDir;
import io.tally.runners.launch.IncrementalRocksDb;
import io.tally.runners.launch.JobClientListener;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.runners.launch.ProcessResources;
import io.tally.runners.launch.RunningPipeline;
import io.tally.runners.streaming.metrics.JobCountersReporterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production streaming job: events topic → streaming core → change-feed and dead-letter topics
 * ({@link KafkaAggregationPipeline}), on the Flink runner (a local cluster in this JVM unless
 * {@code --flinkMaster} names one) or the Direct runner.
 *
 * <pre>
 *   runners/bin/run-streaming --bootstrapServers=127.0.0.1:9092 --metricsFile=metrics.yaml \
 *       --checkpointDir=tally-checkpoints --restoreFrom=latest
 * </pre>
 *
 * <p>Options are Beam's ({@code --help} lists them; {@code
 * --help=io.tally.runners.streaming.StreamingMainOptions} the ones added here). Defaults chosen for
 * latency and recovery when an option is not given: {@code --runner=FlinkRunner --streaming=true
 * --parallelism=1} (Flink's own default: one slot per stage; on a 2-core machine that also runs the
 * broker, the service and ClickHouse it sustained 1.5 times the events of parallelism 2 with a
 * shorter tail, see docs/sizing.md; give more where the job has cores of its own), the bundle, copy
 * and object-reuse defaults of every Flink job ({@link PipelineLaunch#options}), a checkpoint every
 * 10 s. Checkpoints go to {@code --checkpointDir}, by default {@code tally-data/checkpoints} in the
 * working directory ({@code TALLY_DATA_DIR} moves {@code tally-data}; a job on a remote cluster
 * needs {@code --checkpointDir}), never to the JobManager's memory (see {@link
 * CheckpointLocation}). They are kept when the job is cancelled or fails, and {@code
 * --restoreFrom=latest} resumes from the newest complete one: a job killed at any moment restarts
 * from its last checkpoint's offsets and state, so nothing is lost or counted twice.
 */
public final class StreamingMain {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingMain.class);

  /** Flink's own name for the setting the Beam runner ignores on a local cluster. */
  static final String SAVEPOINT_PATH = "execution.savepoint.path";

  static final String JOB_LISTENERS = "execution.job-listeners";

  /** Flink's Prometheus reporter, named {@code prom}: its factory and its port (or range). */
  static final String PROMETHEUS_REPORTER = "metrics.reporter.prom.factory.class";

  static final String PROMETHEUS_PORT = "metrics.reporter.prom.port";

  /**
   * How long Flink holds a partly filled network buffer between two stages (Flink's default is 100
   * ms). Records cross two shuffles on their way to the change feed, so at a dashboard's pace the
   * default alone would add up to 200 ms. 10 ms took 20 ms off the median freshness in
   * kafka-benchmark, at a throughput cost within its run-to-run noise.
   */
  static final Map<String, String> FLINK_DEFAULTS =
      Map.of("execution.buffer-timeout.interval", "10ms");

  private StreamingMain() {}

  public static void main(String[] args) throws Exception {
    StreamingMainOptions options = options(args);
    KafkaTopics.ensure(options, options.getPartitions(), (short) options.getReplicationFactor());
    MetricCatalog catalog = AggregationPipeline.catalog(options);
    Pipeline pipeline = Pipeline.create(options);
    // --metricsFile seeds the rule log; from then on the log is the truth and changes to it
    // (PUT/DELETE /v1/metrics/{name}) take effect without a restart.
    MetricCatalogSource rules = KafkaAggregationPipeline.followRules(options, catalog);
    catalog = rules.current();
    // The log may hold definitions accepted under a higher ceiling than this --dedupHorizon.
    AggregationPipeline.checkDedupHorizon(options, catalog);
    KafkaAggregationPipeline.build(pipeline, rules);

    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    LOG.info(
        "Tally streaming: {} on {} -> {} (dead letters: {}), metrics {} (rule log {}), runner {},"
            + " parallelism {}, checkpoints {}{}",
        options.getEventsTopic(),
        options.getBootstrapServers(),
        options.getChangeFeedTopic(),
        options.getDeadLetterTopic(),
        catalog.definitions().stream().map(d -> d.name()).toList(),
        options.getRulesTopic(),
        options.getRunner().getSimpleName(),
        flink.getParallelism(),
        flink.getCheckpointingInterval() == null || flink.getCheckpointingInterval() <= 0
            ? "off"
            : "every "
                + flink.getCheckpointingInterval()
                + " ms to "
                + (options.getCheckpointDir() != null
                    ? options.getCheckpointDir()
                    : flink.getStateBackendStoragePath()),
        flink.getSavepointPath() == null ? "" : ", restored from " + flink.getSavepointPath());

    RunningPipeline running = RunningPipeline.start(pipeline);
    if (options.getResourcesLogSeconds() > 0) {
      ProcessResources.logEvery(options.getResourcesLogSeconds());
    }
    // SIGTERM / Ctrl-C: cancel the job, so that its retained checkpoints are final.
    Thread hook = new Thread(() -> running.cancel(Duration.ofSeconds(30)), "tally-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      if (options.getRunner().getSimpleName().equals("FlinkRunner")) {
        // A line that scripts (runners/bin/stack) wait for: the job is on its way to reading.
        LOG.info("Streaming job submitted: Flink job {}", running.awaitSubmitted(SUBMIT_TIMEOUT));
      }
      PipelineResult.State state = running.awaitFinish();
      LOG.info("Pipeline finished: {}", state);
      code = state == PipelineResult.State.DONE || state == PipelineResult.State.CANCELLED ? 0 : 1;
    } catch (Exception e) {
      LOG.error("Pipeline failed", e);
      code = 1;
    }
    // Exits explicitly: the runner's non-daemon threads would keep the JVM up.
    System.exit(code);
  }

  /** How long the start waits for the runner to accept the job before it gives up. */
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The options of {@code args} with StreamingMain's defaults for what they do not give, the
   * checkpoint settings of {@code --checkpointDir} (or of its default, created here; {@link
   * IllegalArgumentException} when there is no directory to use), the checkpoint of {@code
   * --restoreFrom}, and a Flink configuration that lets {@link RunningPipeline} cancel the job.
   */
  public static StreamingMainOptions options(String... args) {
    return options(System.getenv(), args);
  }

  /**
   * {@link #options(String...)} with {@code env} for the environment ({@value
   * CheckpointLocation#DATA_DIR_ENV}).
   */
  public static StreamingMainOptions options(Map<String, String> env, String... args) {
    PipelineOptionsFactory.register(StreamingMainOptions.class);
    List<String> given = new ArrayList<>(PipelineLaunch.beamStyle(Arrays.asList(args)));
    String runner = value(given, "runner").orElse("FlinkRunner");
    boolean flink = PipelineLaunch.runnerName(runner).equals("FlinkRunner");
    // --help only prints the options: nothing to prepare (no checkpoint directory to create).
    boolean help =
        given.stream().anyMatch(arg -> arg.equals("--help") || arg.startsWith("--help="));
    if (flink && !help) {
      // Bundles, copies and object reuse come from PipelineLaunch.options, as for every Flink job;
      // what is the streaming job's own follows.
      addDefault(given, "checkpointingInterval", "10000");
      if (value(given, "flinkMaster")
          .orElse(CheckpointLocation.LOCAL_MASTER)
          .equals(CheckpointLocation.LOCAL_MASTER)) {
        // Beam's metrics cost the job a tenth of its throughput, mostly for a copy of the source's
        // metrics into Flink's after every record. The job's own counters reach this process's
        // reporter without them (JobCountersReporter); a cluster's reporter sees only Beam's.
        addDefault(given, "disableMetrics", "true");
      }
      // Never Flink's default of checkpoints in the JobManager's memory: it fails every
      // checkpoint once the state exceeds 5 MiB, which the core's state does within minutes.
      // A state backend and storage path given as Beam options are a durable location too.
      boolean ownStorage =
          value(given, "checkpointDir").isEmpty()
              && value(given, "stateBackend").isPresent()
              && value(given, "stateBackendStoragePath").isPresent();
      Optional<CheckpointLocation.Resolved> location =
          ownStorage
              ? Optional.empty()
              : CheckpointLocation.resolve(
                  value(given, "checkpointDir"),
                  interval(value(given, "checkpointingInterval").orElseThrow()),
                  value(given, "flinkMaster").orElse(CheckpointLocation.LOCAL_MASTER),
                  env);
      if (location.isPresent()) {
        Path dir = location.get().dir();
        if (location.get().byDefault()) {
          CheckpointLocation.prepare(dir);
          given.add("--checkpointDir=" + dir);
          LOG.info(
              "No --checkpointDir: checkpoints go to the data directory's {} ({} moves the data"
                  + " directory)",
              dir,
              CheckpointLocation.DATA_DIR_ENV);
        }
        addDefault(given, "stateBackend", "filesystem");
        addDefault(given, "stateBackendStoragePath", dir.toUri().toString());
        addDefault(given, "externalizedCheckpointsEnabled", "true");
        addDefault(given, "retainExternalizedCheckpointsOnCancellation", "true");
      }
      selectStateBackend(given);
    }
    int parallelism = Integer.parseInt(value(given, "parallelism").orElse("1"));
    StreamingMainOptions options =
        PipelineLaunch.options(runner, parallelism, given).as(StreamingMainOptions.class);
    if (flink) {
      configureFlink(options);
    }
    return options;
  }

  /**
   * {@code --stateBackend}: {@code filesystem} (the default) keeps state on the heap; {@code
   * rocksdb} keeps it in RocksDB on local disk with incremental checkpoints ({@link
   * IncrementalRocksDb}), for state larger than the heap.
   */
  private static void selectStateBackend(List<String> args) {
    Optional<String> backend = value(args, "stateBackend");
    if (backend.isEmpty() || backend.get().equals("filesystem")) {
      return;
    }
    if (!backend.get().equals("rocksdb")) {
      throw new IllegalArgumentException(
          "--stateBackend="
              + backend.get()
              + ": choose filesystem (state on the heap, the default) or rocksdb (state on local"
              + " disk, incremental checkpoints)");
    }
    args.removeIf(arg -> arg.startsWith("--stateBackend="));
    args.add("--stateBackendFactory=" + IncrementalRocksDb.class.getName());
    // RocksDB reads and writes whole values: de-duplication keeps an entry per identity there.
    addDefault(args, "dedupState", "entries");
  }

  /** Restores from {@code --restoreFrom} and registers the job-client listener. */
  private static void configureFlink(StreamingMainOptions options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(JOB_LISTENERS, JobClientListener.class.getName());
    if (!options.getPrometheusPort().isBlank()) {
      // With Beam's metrics off, the job's counters are reported beside Flink's under the names
      // Beam's would have; with them on, Beam reports them, and only Flink's reporter is needed.
      entries.put(
          PROMETHEUS_REPORTER,
          flink.getDisableMetrics()
              ? JobCountersReporterFactory.class.getName()
              : "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      entries.put(PROMETHEUS_PORT, options.getPrometheusPort());
    }
    String restore = resolveRestore(options);
    if (restore != null) {
      flink.setSavepointPath(restore); // what a remote cluster uses
      entries.put(SAVEPOINT_PATH, restore); // what a local one uses
    }
    flink.setFlinkConfDir(
        FlinkConfDir.write(flink.getFlinkConfDir(), FLINK_DEFAULTS, entries).toString());
  }

  /** The checkpoint or savepoint {@code --restoreFrom} names, as a URI; null for none. */
  static String resolveRestore(StreamingMainOptions options) {
    String restoreFrom = options.getRestoreFrom();
    if (restoreFrom == null || restoreFrom.isBlank()) {
      return null;
    }
    if (restoreFrom.equals("latest")) {
      if (options.getCheckpointDir() == null) {
        throw new IllegalArgumentException(
            "--restoreFrom=latest needs --checkpointDir (or checkpoints on, which default to "
                + CheckpointLocation.DEFAULT_DATA_DIR
                + "/checkpoints)");
      }
      Optional<Path> latest = Checkpoints.latest(Path.of(options.getCheckpointDir()));
      if (latest.isEmpty()) {
        LOG.info("No completed checkpoint under {}: starting fresh", options.getCheckpointDir());
        return null;
      }
      return latest.get().toAbsolutePath().toUri().toString();
    }
    if (restoreFrom.contains("://")) {
      return restoreFrom;
    }
    Path path = Path.of(restoreFrom).toAbsolutePath();
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("--restoreFrom: no checkpoint at " + path);
    }
    return path.toUri().toString();
  }

  /** The checkpoint interval an argument gives; one that is no number is left to Beam to reject. */
  private static long interval(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static Optional<String> value(List<String> args, String option) {
    String prefix = "--" + option + "=";
    for (String arg : args) {
      if (arg.startsWith(prefix)) {
        return Optional.of(arg.substring(prefix.length()));
      }
      if (arg.equals("--" + option)) {
        return Optional.of("true");
      }
    }
    return Optional.empty();
  }

  private static void addDefault(List<String> args, String option, String value) {
    if (value(args, option).isEmpty()) {
      args.add("--" + option + "=" + value);
    }
  }
}
