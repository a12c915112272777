package io.tally.benchmarks;

import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.runners.streaming.StreamingMain;
import io.tally.transforms.latency.StageLag;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The production configuration as separate processes on this machine: the streaming job
 * (StreamingMain on the embedded Flink runner, checkpoints to disk, the history sink and the event
 * archive on ClickHouse) and the query service (TallyApplication with its {@code kafka} section and
 * an API key that may ingest), on topics of their own on an existing broker.
 */
final class LocalStack implements AutoCloseable {
  /** What the stack runs against and how. */
  record Settings(
      String bootstrapServers,
      String clickHouseUrl,
      int port,
      int adminPort,
      int parallelism,
      int checkpointIntervalMillis,
      boolean archive,
      String jobHeap,
      String serviceHeap,
      List<String> jobOptions,
      List<String> jobJvmOptions) {}

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  final String prefix;
  final Path dir;
  final String apiKey;
  final URI base;
  final String changeFeedTopic;
  private final Settings settings;
  private final List<String> jobArgs;
  private final Process service;
  private volatile Process job;
  private volatile Path jobLog;
  private int restores;

  private LocalStack(
      String prefix,
      Path dir,
      String apiKey,
      URI base,
      String changeFeedTopic,
      Settings settings,
      List<String> jobArgs,
      Process job,
      Path jobLog,
      Process service) {
    this.prefix = prefix;
    this.dir = dir;
    this.apiKey = apiKey;
    this.base = base;
    this.changeFeedTopic = changeFeedTopic;
    this.settings = settings;
    this.jobArgs = List.copyOf(jobArgs);
    this.job = job;
    this.jobLog = jobLog;
    this.service = service;
  }

  /** Starts both processes on fresh topics; returns once the service answers. */
  static LocalStack start(Settings settings, Path dir, HttpClient http) throws Exception {
    Files.createDirectories(dir);
    String prefix = "fbench-" + System.currentTimeMillis();
    String apiKey = newApiKey();
    List<String> jobArgs = new ArrayList<>();
    jobArgs.addAll(
        List.of(
            "--bootstrapServers=" + settings.bootstrapServers(),
            "--eventsTopic=" + prefix + "-events",
            "--changeFeedTopic=" + prefix + "-feed",
            "--deadLetterTopic=" + prefix + "-dlq",
            "--rulesTopic=" + prefix + "-rules",
            "--consumerGroup=" + prefix,
            "--parallelism=" + settings.parallelism(),
            "--checkpointDir=" + dir.resolve("checkpoints").toAbsolutePath(),
            "--checkpointingInterval=" + settings.checkpointIntervalMillis(),
            "--historyJdbcUrl=" + settings.clickHouseUrl(),
            "--historyDatabase=tally_freshness",
            "--resourcesLogSeconds=1"));
    if (settings.archive()) {
      jobArgs.add("--archiveJdbcUrl=" + settings.clickHouseUrl());
      jobArgs.add("--archiveDatabase=tally_freshness");
    }
    jobArgs.addAll(settings.jobOptions());
    KafkaTopics.ensure(StreamingMain.options(jobArgs.toArray(String[]::new)), 4, (short) 1);

    Path config = dir.resolve("service.yml");
    Files.writeString(config, serviceConfig(settings, prefix, sha256(apiKey)));
    Path jobLog = dir.resolve("job.log");
    Process job = startJob(settings, jobArgs, jobLog);
    Process service =
        JavaProcess.start(
            settings.serviceHeap(),
            List.of(),
            "io.tally.serving.TallyApplication",
            List.of("server", config.toString()),
            dir.resolve("service.log"));
    LocalStack stack =
        new LocalStack(
            prefix,
            dir,
            apiKey,
            URI.create("http://127.0.0.1:" + settings.port()),
            prefix + "-feed",
            settings,
            jobArgs,
            job,
            jobLog,
            service);
    // An interrupted benchmark (Ctrl-C, SIGTERM) takes its processes with it.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.job.destroyForcibly();
                  service.destroyForcibly();
                },
                "local-stack-stop"));
    try {
      stack.awaitService(http);
    } catch (Exception e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  private static Process startJob(Settings settings, List<String> args, Path log)
      throws IOException {
    return JavaProcess.start(
        settings.jobHeap(),
        settings.jobJvmOptions(),
        "io.tally.runners.streaming.StreamingMain",
        args,
        log);
  }

  /**
   * Kills the job as a crash would (SIGKILL, no chance to cancel or checkpoint) and starts it again
   * from its newest completed checkpoint ({@code --restoreFrom=latest}), as an operator restarts a
   * job that died; the service keeps running. The new process logs to {@code job-restored-N.log},
   * which the job's figures are read from from then on.
   */
  void killAndRestoreJob() throws IOException, InterruptedException {
    job.destroyForcibly().waitFor();
    List<String> args = new ArrayList<>(jobArgs);
    args.add("--restoreFrom=latest");
    Path log = dir.resolve("job-restored-" + ++restores + ".log");
    job = startJob(settings, args, log);
    jobLog = log;
  }

  /** Fails when either process has stopped; the log to read is named. */
  void checkAlive() {
    if (!job.isAlive()) {
      throw new IllegalStateException("the streaming job stopped; see " + jobLog);
    }
    if (!service.isAlive()) {
      throw new IllegalStateException("the service stopped; see " + dir.resolve("service.log"));
    }
  }

  /** The job's cumulative use of its process, from the newest resources line of its log. */
  record Resources(long cpuMillis, long allocatedMb, long gcCount, long gcMillis) {
    /** Per event of {@code events}: CPU microseconds and bytes allocated since {@code before}. */
    String perEvent(Resources before, long events) {
      return String.format(
          java.util.Locale.ROOT,
          "job CPU %.1f µs/event, allocated %,.0f bytes/event, %d collections (%d ms)",
          (cpuMillis - before.cpuMillis) * 1000.0 / events,
          (allocatedMb - before.allocatedMb) * 1048576.0 / events,
          gcCount - before.gcCount,
          gcMillis - before.gcMillis);
    }
  }

  private static final java.util.regex.Pattern RESOURCES =
      java.util.regex.Pattern.compile(
          "resources: cpu_ms=(\\d+) allocated_mb=(\\d+) gc_count=(\\d+) gc_ms=(\\d+)");

  /**
   * The job's stage lag lines so far ({@link StageLag#intervalLine}), one per interval, in order.
   */
  List<String> jobStageLagLines() throws IOException {
    return Files.readAllLines(jobLog).stream().filter(StageLag::isLine).toList();
  }

  /** The job's completed checkpoints so far ({@link Checkpoint#fromLog}). */
  List<Checkpoint> jobCheckpoints() throws IOException {
    return Checkpoint.fromLog(Files.readAllLines(jobLog));
  }

  Resources jobResources() throws IOException {
    java.util.regex.Matcher last = null;
    for (String line : Files.readAllLines(jobLog)) {
      java.util.regex.Matcher m = RESOURCES.matcher(line);
      if (m.find()) {
        last = m;
      }
    }
    if (last == null) {
      return new Resources(0, 0, 0, 0);
    }
    return new Resources(
        Long.parseLong(last.group(1)),
        Long.parseLong(last.group(2)),
        Long.parseLong(last.group(3)),
        Long.parseLong(last.group(4)));
  }

  private void awaitService(HttpClient http) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest metrics = HttpRequest.newBuilder(base.resolve("/v1/metrics")).build();
    while (System.nanoTime() < deadline) {
      checkAlive();
      try {
        if (http.send(metrics, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    throw new IllegalStateException("the service did not answer within " + START_TIMEOUT);
  }

  private static String serviceConfig(Settings settings, String prefix, String keyHash) {
    return String.join(
        "\n",
        "hotStore:",
        "  name: freshness-benchmark",
        "kafka:",
        "  bootstrapServers: " + settings.bootstrapServers(),
        "  eventsTopic: " + prefix + "-events",
        "  deadLetterTopic: " + prefix + "-dlq",
        "  changeFeedTopic: " + prefix + "-feed",
        "  catchUpTimeout: 30s",
        "rules:",
        "  topic: " + prefix + "-rules",
        "subscriptions:",
        "  savedQueriesTopic: " + prefix + "-saved",
        "auth:",
        "  credentials:",
        "    - name: freshness-benchmark",
        "      sha256: " + keyHash,
        "      roles: [ingester]",
        // The benchmark is one client: the per-client query limit must not be what it measures.
        "queryLimits:",
        "  requestsPerSecond: 1000000",
        "  burst: 1000000",
        "server:",
        "  applicationConnectors:",
        "    - type: http",
        "      port: " + settings.port(),
        "  adminConnectors:",
        "    - type: http",
        "      port: " + settings.adminPort(),
        "  requestLog:",
        "    appenders: []",
        "logging:",
        "  level: WARN",
        "");
  }

  private static String newApiKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String sha256(String key) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** SIGTERM to both (the job cancels itself), then SIGKILL after 60 s. */
  @Override
  public void close() throws InterruptedException {
    for (Process process : List.of(service, job)) {
      process.destroy();
    }
    for (Process process : List.of(service, job)) {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
