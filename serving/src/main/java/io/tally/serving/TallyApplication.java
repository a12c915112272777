package io.tally.serving;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.codahale.metrics.Gauge;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.servlets.assets.AssetServlet;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.serving.auth.Credential;
import io.tally.serving.cli.ApiKeyCommand;
import io.tally.serving.config.FileOrClasspathSourceProvider;
import io.tally.serving.config.KafkaFactory;
import io.tally.serving.config.SubscriptionsFactory;
import io.tally.serving.errors.CatchAllExceptionMapper;
import io.tally.serving.errors.ConstraintViolationExceptionMapper;
import io.tally.serving.errors.IngestExceptionMapper;
import io.tally.serving.errors.JsonProcessingExceptionMapper;
import io.tally.serving.errors.ProblemErrorHandler;
import io.tally.serving.errors.QueryExceptionMapper;
import io.tally.serving.errors.RuleExceptionMapper;
import io.tally.serving.errors.RuleLogUnavailableExceptionMapper;
import io.tally.serving.errors.SavedQueryStoreExceptionMapper;
import io.tally.serving.errors.WebApplicationExceptionMapper;
import io.tally.serving.health.ChangeFeedHealthCheck;
import io.tally.serving.health.HistoryHealthCheck;
import io.tally.serving.health.HotStoreHealthCheck;
import io.tally.serving.health.KafkaHealthCheck;
import io.tally.serving.health.MetricCatalogHealthCheck;
import io.tally.serving.ingest.EventLog;
import io.tally.serving.ingest.IngestService;
import io.tally.serving.ingest.KafkaEventLog;
import io.tally.serving.limits.RateLimiter;
import io.tally.serving.live.FileSavedQueryStore;
import io.tally.serving.live.KafkaSavedQueryStore;
import io.tally.serving.live.LiveQueries;
import io.tally.serving.live.SavedQueryStore;
import io.tally.serving.live.SubscriptionHub;
import io.tally.serving.ops.OpenApiResource;
import io.tally.serving.ops.PrometheusEndpoint;
import io.tally.serving.ops.TooManyRequestsMeter;
import io.tally.serving.query.ChangeFeedView;
import io.tally.serving.query.HotStoreEvictor;
import io.tally.serving.query.ServingReadiness;
import io.tally.serving.query.WindowQueryService;
import io.tally.serving.resources.DashboardResource;
import io.tally.serving.resources.EventsResource;
import io.tally.serving.resources.MetricsResource;
import io.tally.serving.resources.QueryRateLimitFilter;
import io.tally.serving.resources.SubscriptionsResource;
import io.tally.serving.rules.RulesService;
import io.tally.tiering.feed.KafkaChangeFeedReader;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.ScheduledRollups;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.aerospike.AerospikeHotStore;
import io.tally.tiering.rules.RuleLog;
import io.tally.tiering.tiers.TieredWindowReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The Tally query service: {@code java io.tally.serving.TallyApplication server tally-serving.yml}.
 *
 * <p>To run it inside another process (the embedded mode runs the pipeline next to it), build it
 * with the rule log the pipeline follows, {@code new TallyApplication(ruleLog, credentials)}, and
 * start it with {@link TallyServer#start}; both meet in the hot store named by {@code
 * hotStore.name}.
 */
public class TallyApplication extends Application<TallyConfiguration> {
  private final RuleLog ruleLogOverride;
  private final List<Credential> extraCredentials;
  private final EventLog eventLogOverride;

  /** The rule log of the configuration, seeded from its {@code metricsFile}. */
  public TallyApplication() {
    this(null, List.of());
  }

  /**
   * Serves and changes the definitions of {@code ruleLog} (when not null; the launcher has seeded
   * it) instead of the configuration's, and accepts {@code extraCredentials} besides the configured
   * ones.
   */
  public TallyApplication(RuleLog ruleLog, List<Credential> extraCredentials) {
    this(ruleLog, extraCredentials, null);
  }

  /**
   * As {@link #TallyApplication(RuleLog, List)}, and appends accepted events to {@code eventLog}
   * (when not null) instead of the configuration's {@code kafka} section: a process that runs the
   * pipeline next to the service and reads the same log, but has no change feed to follow. The
   * service starts and stops it when it is {@link Managed}.
   */
  public TallyApplication(RuleLog ruleLog, List<Credential> extraCredentials, EventLog eventLog) {
    this.ruleLogOverride = ruleLog;
    this.extraCredentials = List.copyOf(extraCredentials);
    this.eventLogOverride = eventLog;
  }

  public static void main(String[] args) throws Exception {
    new TallyApplication().run(args);
  }

  @Override
  public String getName() {
    return "tally";
  }

  @Override
  public void initialize(Bootstrap<TallyConfiguration> bootstrap) {
    // ${VAR:-default} in the YAML; the file may also be a classpath resource (tally-serving.yml).
    bootstrap.setConfigurationSourceProvider(configurationSourceProvider());
    bootstrap.addCommand(new ApiKeyCommand());
  }

  /** Files or classpath resources, with {@code ${VAR:-default}} read from the environment. */
  public static ConfigurationSourceProvider configurationSourceProvider() {
    return new SubstitutingSourceProvider(
        new FileOrClasspathSourceProvider(), new EnvironmentVariableSubstitutor(false));
  }

  @Override
  public void run(TallyConfiguration config, Environment environment) {
    // Every error is application/problem+json from the mappers below, not Dropwizard's defaults.
    if (config.getServerFactory() instanceof AbstractServerFactory server) {
      server.setRegisterDefaultExceptionMappers(false);
    }

    RuleLog ruleLog = ruleLogOverride;
    if (ruleLog == null) {
      ruleLog =
          config.getRules().build(config.getKafka(), config.getHotStore().getName(), environment);
      ruleLog.seed(
          config.loadMetricCatalog(), config.getRules().getWriteTimeout().toJavaDuration());
    }
    MetricCatalogSource catalog = ruleLog::catalog;
    RulesService rules =
        new RulesService(
            ruleLog,
            config.getRules().getActivationDelay().toJavaDuration(),
            config.getRules().getWriteTimeout().toJavaDuration(),
            config.getRules().getDedupHorizon().toJavaDuration(),
            Clock.systemUTC());
    InMemoryHotStore hotStore = config.getHotStore().build();

    long hotRetention = config.getHotRetention().toMilliseconds();
    HistoryStore history = null;
    if (config.getHistory() != null) {
      history = config.getHistory().build();
      environment.lifecycle().manage(new AutoCloseableManager(history));
      environment.healthChecks().register("history", new HistoryHealthCheck(history));
      ScheduledRollups rollups = config.getHistory().rollups(history, catalog);
      if (rollups != null) {
        Duration every = config.getHistory().getRollupEvery().toJavaDuration();
        environment
            .lifecycle()
            .manage(
                new Managed() {
                  @Override
                  public void start() {
                    rollups.start(every);
                  }

                  @Override
                  public void stop() {
                    rollups.close();
                  }
                });
      }
    }
    AerospikeHotStore recent = config.getHotStore().buildRecent();
    if (recent != null) {
      environment.lifecycle().manage(new AutoCloseableManager(recent));
      environment.healthChecks().register("recent-store", new HotStoreHealthCheck(recent));
    }
    // The hot tiers keep every window for hotRetention after its end: the tier boundary.
    TieredWindowReader tiers =
        new TieredWindowReader(hotStore, recent, history, hotRetention, System::currentTimeMillis);
    ServingReadiness readiness = new ServingReadiness();
    WindowQueryService queries =
        new WindowQueryService(
            catalog, tiers, config.getMaxQueryRange().toMilliseconds(), readiness);

    environment.lifecycle().manage(new HotStoreEvictor(hotStore, hotRetention, Clock.systemUTC()));

    environment.metrics().register("io.tally.hotStore.windows", (Gauge<Integer>) hotStore::size);

    environment.healthChecks().register("hot-store", new HotStoreHealthCheck(hotStore));
    environment.healthChecks().register("metric-catalog", new MetricCatalogHealthCheck(catalog));

    // Managed before the change-feed view, so that it starts first and hears the rebuild.
    SubscriptionHub hub =
        new SubscriptionHub(
            hotStore, config.getSubscriptions().settings(), hotRetention, Clock.systemUTC());
    environment.lifecycle().manage(hub);
    registerLiveGauges(hub, environment);

    EventLog eventLog = EventLog.none();
    SavedQueryStore savedQueries;
    if (eventLogOverride != null) {
      eventLog = eventLogOverride;
      if (eventLog instanceof Managed managed) {
        environment.lifecycle().manage(managed);
      }
      savedQueries =
          new FileSavedQueryStore(Path.of(config.getSubscriptions().getSavedQueriesFile()));
    } else if (config.getKafka() != null) {
      eventLog = kafka(config.getKafka(), hotStore, readiness, environment);
      savedQueries = kafkaSavedQueries(config.getKafka(), config.getSubscriptions(), environment);
    } else {
      savedQueries =
          new FileSavedQueryStore(Path.of(config.getSubscriptions().getSavedQueriesFile()));
    }
    LiveQueries live =
        new LiveQueries(
            queries, savedQueries, hub, config.getSubscriptions().getMaxSavedQueriesPerPrincipal());

    config.getAuth().register(environment, extraCredentials);
    environment
        .jersey()
        .register(new MetricsResource(config.getQueryLimits().wrap(queries), rules, live));
    environment
        .jersey()
        .register(
            new SubscriptionsResource(live, config.getSubscriptions().buildWriteRateLimiter()));
    RateLimiter queryRateLimiter = config.getQueryLimits().buildRateLimiter();
    if (queryRateLimiter != null) {
      environment.jersey().register(new QueryRateLimitFilter(queryRateLimiter));
    }
    environment
        .jersey()
        .register(
            new EventsResource(
                new IngestService(
                    eventLog,
                    config.getIngest().buildAdmission(),
                    Clock.systemUTC(),
                    environment.metrics())));
    environment.jersey().register(new TooManyRequestsMeter(environment.metrics()));
    PrometheusEndpoint.register(environment);

    // The live dashboard: its page at /, its files under /ui/ (a servlet mapping more specific
    // than Jersey's /*, so /v1/... is untouched).
    environment.jersey().register(new DashboardResource());
    environment.jersey().register(new OpenApiResource());
    environment
        .servlets()
        .addServlet(
            "dashboard-assets",
            new AssetServlet(DashboardResource.ASSETS, DashboardResource.ASSETS, null, UTF_8))
        .addMapping(DashboardResource.ASSETS + "/*");

    environment.jersey().register(new QueryExceptionMapper());
    environment.jersey().register(new IngestExceptionMapper());
    environment.jersey().register(new RuleExceptionMapper());
    environment.jersey().register(new RuleLogUnavailableExceptionMapper());
    environment.jersey().register(new SavedQueryStoreExceptionMapper());
    environment.jersey().register(new WebApplicationExceptionMapper());
    environment.jersey().register(new JsonProcessingExceptionMapper());
    environment.jersey().register(new ConstraintViolationExceptionMapper());
    environment.jersey().register(new CatchAllExceptionMapper());
    // What Jetty answers itself (malformed requests, filtered methods): problems as well.
    environment.getApplicationContext().setErrorHandler(new ProblemErrorHandler());
    environment
        .lifecycle()
        .addEventListener(
            new LifeCycle.Listener() {
              @Override
              public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                  server.setErrorHandler(new ProblemErrorHandler());
                }
              }

              @Override
              public void lifeCycleStopping(LifeCycle event) {
                // Before the graceful stop, which would wait for the live streams to end.
                if (event instanceof Server) {
                  hub.closeAll();
                }
              }
            });
  }

  private static SavedQueryStore kafkaSavedQueries(
      KafkaFactory kafka, SubscriptionsFactory subscriptions, Environment environment) {
    KafkaSavedQueryStore store =
        new KafkaSavedQueryStore(
            kafka.clientConfig(kafka.getConsumer()),
            subscriptions.getSavedQueriesTopic(),
            kafka.getAckTimeout().toJavaDuration());
    environment.lifecycle().manage(store);
    return store;
  }

  private static void registerLiveGauges(SubscriptionHub hub, Environment environment) {
    environment.metrics().register("io.tally.live.connections", (Gauge<Integer>) hub::connections);
    environment.metrics().register("io.tally.live.opened", (Gauge<Long>) hub::opened);
    environment.metrics().register("io.tally.live.offered", (Gauge<Long>) hub::offered);
    environment.metrics().register("io.tally.live.coalesced", (Gauge<Long>) hub::coalesced);
    environment.metrics().register("io.tally.live.sent", (Gauge<Long>) hub::sent);
    environment
        .metrics()
        .register("io.tally.live.slowDisconnects", (Gauge<Long>) hub::slowDisconnects);
  }

  /**
   * Kafka as the durable log: the producer behind ingest, and the reader that rebuilds the hot
   * store from the change feed (on every start, from the beginning of the compacted topic).
   */
  private static EventLog kafka(
      KafkaFactory kafka, HotStore hotStore, ServingReadiness readiness, Environment environment) {
    KafkaEventLog eventLog = kafka.buildEventLog();
    environment.lifecycle().manage(eventLog);

    KafkaChangeFeedReader reader =
        new KafkaChangeFeedReader(
            kafka.clientConfig(kafka.getConsumer()), kafka.getChangeFeedTopic(), hotStore);
    environment
        .lifecycle()
        .manage(new ChangeFeedView(reader, kafka.getCatchUpTimeout().toJavaDuration()));
    // Until the view has caught up, queries are refused: they could show less than before. A
    // change feed that does not exist yet has nothing to catch up with.
    readiness.follow(() -> reader.caughtUp() || reader.feedMissing());

    Admin admin = Admin.create(kafka.clientConfig(Map.of("client.id", "tally-health")));
    environment.lifecycle().manage(new AutoCloseableManager(admin));
    environment
        .healthChecks()
        .register("kafka", new KafkaHealthCheck(admin, Duration.ofSeconds(2)));
    environment.healthChecks().register("change-feed", new ChangeFeedHealthCheck(reader));

    environment
        .metrics()
        .register("io.tally.changefeed.lag", (Gauge<Long>) () -> reader.status().lag());
    environment
        .metrics()
        .register("io.tally.changefeed.applied", (Gauge<Long>) () -> reader.status().applied());
    environment
        .metrics()
        .register("io.tally.changefeed.skipped", (Gauge<Long>) () -> reader.status().skipped());
    environment
        .metrics()
        .register(
            "io.tally.changefeed.delayMillis", (Gauge<Long>) () -> reader.status().delayMillis());
    return eventLog;
  }
}
