package io.tally.it.pipeline;

import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.support.KafkaBroker;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.kafka.KafkaAggregationPipeline;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.runners.launch.RunningPipeline;
import io.tally.runners.streaming.StreamingMain;
import io.tally.runners.streaming.StreamingMainOptions;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.serving.TallyServer;
import io.tally.serving.config.KafkaFactory;
import io.tally.tiering.hot.SharedHotStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;

/**
 * The setup of an end-to-end test of the whole path on the test broker: topics, a hot store and a
 * rule log of its own (named after the test plus a random suffix), a metrics file, the streaming
 * job ({@code StreamingMain}) over those topics, and the real service in front of them. The job
 * runs in this JVM ({@link #startPipeline}), or as a process of its own that the test starts with
 * {@link #jobArgs} (to kill it as a crash would).
 */
public final class PipelineRun implements AutoCloseable {
  private final String prefix;
  private final String id;
  private final Path metricsFile;
  private final Path checkpoints;
  private RunningPipeline pipeline;
  private volatile TallyServer service;
  private Consumer<TallyConfiguration> tune = config -> {};

  private PipelineRun(String prefix, String id, Path metricsFile, Path checkpoints) {
    this.prefix = prefix;
    this.id = id;
    this.metricsFile = metricsFile;
    this.checkpoints = checkpoints;
  }

  /**
   * A run whose names start with {@code prefix}, with {@code metricsYaml} written in {@code dir}
   * and the checkpoints of a job in this JVM in {@code dir/checkpoints}.
   */
  public static PipelineRun create(String prefix, Path dir, String metricsYaml) throws IOException {
    Path metricsFile = dir.resolve("metrics.yaml");
    Files.writeString(metricsFile, metricsYaml);
    return new PipelineRun(
        prefix,
        UUID.randomUUID().toString().substring(0, 8),
        metricsFile,
        dir.resolve("checkpoints"));
  }

  /** The random part of this run's names. */
  public String id() {
    return id;
  }

  public String eventsTopic() {
    return prefix + "-events-" + id;
  }

  public String changeFeedTopic() {
    return prefix + "-aggregates-" + id;
  }

  public String deadLetterTopic() {
    return prefix + "-dlq-" + id;
  }

  /** The service's hot store; also the job's consumer group. */
  public String store() {
    return prefix + "-" + id;
  }

  /** The rule log that the service writes and the job follows. */
  public String rulesTopic() {
    return TallyTestConfigs.rulesTopic(store());
  }

  /** The streaming job's arguments over this run's topics and metrics file, then {@code extra}. */
  public List<String> jobArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrapServers=" + KafkaBroker.bootstrapServers(),
                "--eventsTopic=" + eventsTopic(),
                "--changeFeedTopic=" + changeFeedTopic(),
                "--deadLetterTopic=" + deadLetterTopic(),
                "--consumerGroup=" + store(),
                "--rulesTopic=" + rulesTopic(),
                "--metricsFile=" + metricsFile,
                "--maxDisorder=1s"));
    args.addAll(Arrays.asList(extra));
    return args;
  }

  /** Creates the job's topics, the events topic with {@code eventPartitions}, unless they exist. */
  public void createTopics(int eventPartitions) {
    KafkaTopics.ensure(
        StreamingMain.options(jobArgs("--checkpointDir=" + checkpoints).toArray(String[]::new)),
        eventPartitions,
        (short) 1);
  }

  /**
   * Starts the job in this JVM (embedded Flink, parallelism 2) and waits until it is submitted. It
   * counts the metrics file's definitions; with {@code followRules}, it follows the rule log,
   * seeded with them, and counts what the log holds as it changes.
   */
  public void startPipeline(boolean followRules) throws Exception {
    StreamingMainOptions options =
        StreamingMain.options(
            jobArgs("--parallelism=2", "--checkpointDir=" + checkpoints).toArray(String[]::new));
    MetricCatalog fromFile = AggregationPipeline.catalog(options);
    Pipeline p = Pipeline.create(options);
    KafkaAggregationPipeline.build(
        p,
        followRules
            ? KafkaAggregationPipeline.followRules(options, fromFile)
            : MetricCatalogSource.fixed(fromFile));
    pipeline = RunningPipeline.start(p);
    pipeline.awaitSubmitted(Duration.ofSeconds(120));
  }

  /** Starts the service on this run's topics, hot store, rule log and metrics file. */
  public TallyServer startService() throws Exception {
    return startService(config -> {});
  }

  /**
   * Starts the service on this run's topics, hot store, rule log and metrics file; {@code tune}
   * adjusts the configuration first, for this node and any that {@link #restartService} starts.
   */
  public TallyServer startService(Consumer<TallyConfiguration> tune) throws Exception {
    this.tune = tune;
    KafkaFactory kafka = TallyTestConfigs.kafka(eventsTopic(), changeFeedTopic());
    // What ingest refuses goes where the job's dead letters go.
    kafka.setDeadLetterTopic(deadLetterTopic());
    TallyConfiguration config = TallyTestConfigs.service(store(), kafka);
    config.setMetricsFile(metricsFile.toString());
    tune.accept(config);
    service = TallyServer.start(new TallyApplication(), config);
    return service;
  }

  /** The job {@link #startPipeline} started in this JVM; null before. */
  public RunningPipeline pipeline() {
    return pipeline;
  }

  /** The service node: after {@link #restartService}, the new one (the closed one meanwhile). */
  public TallyServer service() {
    return service;
  }

  /**
   * Stops the node and starts another on the same configuration, with an empty view: it rebuilds
   * the view from the change feed.
   */
  public void restartService() throws Exception {
    service.close();
    SharedHotStores.remove(store());
    startService(tune);
  }

  /** Stops the job started here (not a job process) and the service, and drops the hot store. */
  @Override
  public void close() throws Exception {
    try {
      if (pipeline != null) {
        pipeline.close();
      }
    } finally {
      if (service != null) {
        service.close();
      }
      SharedHotStores.remove(store());
    }
  }
}
