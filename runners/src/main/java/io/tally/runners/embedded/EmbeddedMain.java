package io.tally.runners.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.tally.model.metric.Durations;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.kafka.KafkaOptions;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.pipelines.kafka.ReadEventsFromKafka;
import io.tally.pipelines.sinks.LogDeadLetters;
import io.tally.pipelines.sinks.WriteToHotStore;
import io.tally.pipelines.synthetic.SyntheticEventSource;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.launch.CountedSource;
import io.tally.runners.launch.LocalCounters;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.runners.load.GeneratorOptions;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyServer;
import io.tally.serving.auth.Credential;
import io.tally.serving.auth.Roles;
import io.tally.serving.config.KafkaFactory;
import io.tally.serving.ingest.KafkaEventLog;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import io.tally.tiering.hot.WindowQuery;
import io.tally.tiering.rules.RuleLog;
import io.tally.tiering.rules.RuleLogCatalogSource;
import io.tally.tiering.rules.SharedRuleLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The one-process mode: live synthetic events, the streaming pipeline on the embedded Flink runner
 * (or the Direct runner) writing to an in-memory hot store, and the query API reading that store,
 * all in this JVM. With {@code --bootstrap-servers}, posted events go to the broker's events topic
 * and the pipeline counts that topic as well: a posted event is acknowledged only once the log has
 * it, as in the production configuration. Logs a status line every few seconds; stops on Ctrl-C (or
 * after {@code --duration}).
 */
@Command(
    name = "run-embedded",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs live synthetic events, and with --bootstrap-servers the events you post, through the"
          + " Tally pipeline and serves the results on http://localhost:8080/, in one process.",
      "Options not listed here are passed to Beam and the runner (e.g. --maxBundleSize=5000)."
    })
public final class EmbeddedMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMain.class);

  /** The metric whose stored windows tell how many events the pipeline has counted. */
  private static final String COUNTED_METRIC = "events_by_category";

  @Option(
      names = {"--synthetic-rate", "--rate"},
      defaultValue = "2000",
      description = "Synthetic events per second; 0 = none, only posted ones (${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--bootstrap-servers",
      description =
          "A Kafka broker: POST /v1/events appends to its events topic (202 once the broker has"
              + " them) and the pipeline counts that topic next to the synthetic events. Without"
              + " it, posts are refused with 503. bin/run starts a broker of its own for this.")
  String bootstrapServers;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      description = "Partitions of the topics made on --bootstrap-servers (${DEFAULT-VALUE}).")
  int partitions;

  @Mixin GeneratorOptions generator;

  @Option(
      names = "--max-events",
      defaultValue = "0",
      description = "Stop generating after this many events; 0 = never (${DEFAULT-VALUE}).")
  long maxEvents;

  @Option(
      names = "--runner",
      defaultValue = "FlinkRunner",
      description = "FlinkRunner or DirectRunner (${DEFAULT-VALUE}).")
  String runner;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Pipeline parallelism (${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--port", defaultValue = "8080", description = "API port (${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--admin-port",
      defaultValue = "9081",
      description = "Admin port: health checks, metrics (${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--no-api", description = "Do not start the query API.")
  boolean noApi;

  @Option(
      names = "--store",
      defaultValue = "embedded",
      description = "Name of the in-memory hot store (${DEFAULT-VALUE}).")
  String store;

  @Option(
      names = "--metrics-file",
      description = "YAML or JSON metric definitions (default: the built-in examples).")
  String metricsFile;

  @Option(
      names = "--early-firing-delay",
      defaultValue = "100ms",
      description = "Delay between early panes (${DEFAULT-VALUE}).")
  String earlyFiringDelay;

  @Option(
      names = "--dedup-horizon",
      defaultValue = "10m",
      description =
          "Ceiling of the de-duplication horizon: definitions whose window plus allowed lateness"
              + " is longer are refused (${DEFAULT-VALUE}).")
  String dedupHorizon;

  @Option(
      names = "--log-every",
      defaultValue = "5s",
      converter = GeneratorOptions.DurationMillis.class,
      description = "Status line interval (${DEFAULT-VALUE}).")
  long logEveryMillis;

  @Option(
      names = "--duration",
      defaultValue = "0s",
      converter = GeneratorOptions.DurationMillis.class,
      description = "Stop after this long; 0s = run until interrupted (${DEFAULT-VALUE}).")
  long durationMillis;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  public static void main(String[] args) {
    // Exits explicitly: the runner's non-daemon threads would keep the JVM up.
    System.exit(new CommandLine(new EmbeddedMain()).execute(args));
  }

  /** The generator's settings: live, at {@code --rate}. */
  SyntheticSettings settings() {
    return generator
        .applyTo(SyntheticSettings.live(rate), System.currentTimeMillis())
        .withMaxEvents(maxEvents);
  }

  /** The pipeline's options: the runner's defaults, then the pass-through arguments. */
  TallyPipelineOptions pipelineOptions() {
    TallyPipelineOptions options = PipelineLaunch.options(runner, parallelism, beamArgs);
    options.setEarlyFiringDelay(earlyFiringDelay);
    options.setDedupHorizon(dedupHorizon);
    if (metricsFile != null) {
      options.setMetricsFile(metricsFile);
    }
    return options;
  }

  @Override
  public Integer call() throws Exception {
    TallyPipelineOptions options = pipelineOptions();
    MetricCatalog catalog = AggregationPipeline.catalog(options);
    // The rule log of this process, seeded from the metrics file; the API changes it and the
    // pipeline follows it, both finding it by the store's name.
    RuleLog rules = SharedRuleLogs.named(store);
    rules.seed(catalog, java.time.Duration.ofSeconds(10));
    MetricCatalogSource catalogSource = RuleLogCatalogSource.inMemory(store);
    InMemoryHotStore hotStore = SharedHotStores.named(store);
    KafkaOptions log = eventLog(options);

    TallyServer server = noApi ? null : startApi(rules, log);
    quietenFrameworkLogs();

    String generated = "embedded-events-" + System.nanoTime();
    Pipeline pipeline = Pipeline.create(options);
    AggregationPipeline.build(
        pipeline,
        source(log, generated),
        catalogSource,
        WriteToHotStore.to(SharedHotStores.provider(store)),
        LogDeadLetters.sampled());

    LOG.info(
        "Tally embedded: {} synthetic events/s ({}){} on the {} (parallelism {}), metrics {}{}",
        fmt(rate),
        generator.describe(),
        log == null
            ? "; no event log: POST /v1/events is refused"
            : " and the events posted, through topic "
                + log.getEventsTopic()
                + " on "
                + log.getBootstrapServers(),
        options.getRunner().getSimpleName(),
        parallelism,
        catalog.definitions().stream().map(d -> d.name()).toList(),
        server == null ? "; no API" : "; API on http://localhost:" + server.port() + "/");

    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                PipelineResult result = pipeline.run();
                PipelineResult.State state = result.waitUntilFinish();
                LOG.info("Pipeline finished: {}", state);
              } catch (Throwable e) {
                failure.set(e);
                LOG.error("Pipeline failed", e);
              } finally {
                stopped.countDown();
              }
            },
            "tally-pipeline");
    runner.setDaemon(true);
    runner.start();

    ScheduledExecutorService status =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tally-status");
              t.setDaemon(true);
              return t;
            });
    Status reporter =
        new Status(
            LocalCounters.named(generated),
            hotStore,
            catalog.get(COUNTED_METRIC).isPresent() ? COUNTED_METRIC : null);
    status.scheduleAtFixedRate(
        reporter::log, logEveryMillis, logEveryMillis, TimeUnit.MILLISECONDS);

    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(server, status), "tally-shutdown"));

    if (durationMillis > 0) {
      stopped.await(durationMillis, TimeUnit.MILLISECONDS);
    } else {
      // Serve until interrupted, also after a bounded stream has been processed.
      stopped.await();
      if (failure.get() == null && server != null) {
        LOG.info("All events processed; the API keeps serving until interrupted");
        new CountDownLatch(1).await();
      }
    }
    reporter.log();
    close(server, status);
    return failure.get() == null ? 0 : 1;
  }

  /**
   * The event log's settings, its topics made, when {@code --bootstrap-servers} names one; null
   * otherwise. Refuses a run with nothing to count.
   */
  KafkaOptions eventLog(TallyPipelineOptions options) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      if (rate <= 0) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "--synthetic-rate=0 needs --bootstrap-servers: without synthetic events and without a"
                + " log to post to, there is nothing to count");
      }
      return null;
    }
    KafkaOptions kafka = options.as(KafkaOptions.class);
    kafka.setBootstrapServers(bootstrapServers);
    KafkaTopics.ensure(kafka, partitions, (short) 1);
    return kafka;
  }

  /**
   * The pipeline's input: the synthetic events (counted for the status line) and, with a log, the
   * events topic, which is where posted events go. Both meet in one collection before parsing.
   */
  private PTransform<PBegin, PCollection<String>> source(KafkaOptions log, String counter) {
    PTransform<PBegin, PCollection<String>> synthetic =
        rate > 0 ? CountedSource.of(SyntheticEventSource.read(settings()), counter) : null;
    if (log == null) {
      return synthetic;
    }
    PTransform<PBegin, PCollection<String>> posted =
        ReadEventsFromKafka.with(log, Duration.millis(Durations.parseMillis(log.getMaxDisorder())));
    return synthetic == null ? posted : new Merged(synthetic, posted);
  }

  /** Two sources as one collection. */
  private static final class Merged extends PTransform<PBegin, PCollection<String>> {
    private final PTransform<PBegin, PCollection<String>> first;
    private final PTransform<PBegin, PCollection<String>> second;

    Merged(
        PTransform<PBegin, PCollection<String>> first,
        PTransform<PBegin, PCollection<String>> second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public PCollection<String> expand(PBegin begin) {
      return PCollectionList.of(begin.apply("Synthetic", first))
          .and(begin.apply("Posted", second))
          .apply("Merge", Flatten.pCollections());
    }
  }

  /**
   * Starts the API with a key made for this run, printed once. A fixed default key would be an
   * anonymous write in disguise (everyone knows it); a key configured by hash needs a step before
   * the first run. A fresh random key per start needs neither and is gone with the process: only
   * its hash is held, and only the console shows it. Keys configured in the YAML ({@code
   * auth.credentials}) work as well.
   */
  private TallyServer startApi(RuleLog rules, KafkaOptions log) throws Exception {
    System.setProperty("dw.server.applicationConnectors[0].port", Integer.toString(port));
    System.setProperty("dw.server.adminConnectors[0].port", Integer.toString(adminPort));
    System.setProperty("dw.hotStore.name", store);
    // The service refuses definitions the pipeline's de-duplication could not cover.
    System.setProperty("dw.rules.dedupHorizon", dedupHorizon);
    String key = Credential.newKey();
    Credential dev = Credential.forKey("embedded-dev", key, Roles.ALL);
    TallyServer server =
        TallyServer.start(
            new TallyApplication(rules, List.of(dev), log == null ? null : eventLogOf(log)),
            "tally-serving.yml");
    System.out.printf(
        "%nAPI key of this run (every role): %s%n  e.g. curl -X PUT -H 'Authorization: Bearer %s'"
            + " -H 'Content-Type: application/json' localhost:%d/v1/metrics/NAME -d @definition.json%n%n",
        key, key, server.port());
    return server;
  }

  /** The service's producer to the pipeline's events topic, with the service's defaults. */
  private static KafkaEventLog eventLogOf(KafkaOptions log) {
    KafkaFactory kafka = new KafkaFactory();
    kafka.setBootstrapServers(log.getBootstrapServers());
    kafka.setEventsTopic(log.getEventsTopic());
    kafka.setDeadLetterTopic(log.getDeadLetterTopic());
    return kafka.buildEventLog();
  }

  /**
   * Dropwizard sets the log levels from its YAML; Flink, Beam and the Kafka clients are too chatty
   * at INFO (every client prints its whole configuration).
   */
  private static void quietenFrameworkLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      for (String name :
          List.of(
              "org.apache.flink",
              "org.apache.beam",
              "org.apache.pekko",
              "akka",
              "org.apache.kafka")) {
        context.getLogger(name).setLevel(Level.WARN);
      }
      // As in logback.xml: KafkaIO's metric updates outside a work thread, a benign ERROR.
      context.getLogger("org.apache.beam.sdk.metrics.MetricsEnvironment").setLevel(Level.OFF);
    }
  }

  private final AtomicBoolean closed = new AtomicBoolean();

  private void close(TallyServer server, ScheduledExecutorService status) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    status.shutdownNow();
    if (server != null) {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("Stopping the API failed", e);
      }
      // Closing resets Dropwizard's logging; keep the runner's shutdown quiet all the same.
      quietenFrameworkLogs();
    }
  }

  private static String fmt(double value) {
    return value == Math.rint(value)
        ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.2f", value);
  }

  /** The periodic status line. */
  private static final class Status {
    private final LocalCounters.Tally events;
    private final InMemoryHotStore store;
    private final String countedMetric;
    private final long started = System.nanoTime();
    private long lastEvents;
    private long lastNanos = started;

    Status(LocalCounters.Tally events, InMemoryHotStore store, String countedMetric) {
      this.events = events;
      this.store = store;
      this.countedMetric = countedMetric;
    }

    synchronized void log() {
      long now = System.nanoTime();
      long count = events.count();
      double seconds = (now - lastNanos) / 1e9;
      double recent = seconds > 0 ? (count - lastEvents) / seconds : 0;
      String counted = "";
      if (countedMetric != null) {
        long sum = 0;
        for (WindowUpdate window :
            store.windows(
                new WindowQuery(countedMetric, Long.MIN_VALUE, Long.MAX_VALUE, Map.of()))) {
          sum += window.events();
        }
        counted = String.format(Locale.ROOT, ", distinct events in %s: %,d", countedMetric, sum);
      }
      LOG.info(
          String.format(
              Locale.ROOT,
              "events generated: %,d (%,.0f/s), windows stored: %,d%s, up %ds",
              count,
              recent,
              store.size(),
              counted,
              (now - started) / 1_000_000_000L));
      lastEvents = count;
      lastNanos = now;
    }
  }
}
