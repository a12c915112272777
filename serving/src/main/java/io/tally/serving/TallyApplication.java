package io.tally.serving;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.tally.metric.MetricCatalogSource;
import io.tally.serving.core.HotStoreEvictor;
import io.tally.serving.core.WindowQueryService;
import io.tally.serving.errors.CatchAllExceptionMapper;
import io.tally.serving.errors.ConstraintViolationExceptionMapper;
import io.tally.serving.errors.JsonProcessingExceptionMapper;
import io.tally.serving.errors.ProblemErrorHandler;
import io.tally.serving.errors.QueryExceptionMapper;
import io.tally.serving.errors.WebApplicationExceptionMapper;
import io.tally.serving.health.HotStoreHealthCheck;
import io.tally.serving.health.MetricCatalogHealthCheck;
import io.tally.serving.resources.MetricsResource;
import io.tally.tiering.hot.HotStore;
import java.time.Clock;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The Tally query service: {@code java io.tally.serving.TallyApplication server tally-serving.yml}.
 *
 * <p>To run it inside another process (the embedded mode runs the pipeline next to it), build it
 * with the catalog the pipeline uses, {@code new TallyApplication(catalogSource)}, and start it
 * with {@link TallyServer#start}; both meet in the hot store named by {@code hotStore.name}.
 */
public class TallyApplication extends Application<TallyConfiguration> {
  private final MetricCatalogSource catalogOverride;

  /** Reads the metric definitions from the configuration's {@code metricsFile}. */
  public TallyApplication() {
    this(null);
  }

  /**
   * Serves the definitions of {@code catalog} (when not null) instead of the configuration's
   * {@code metricsFile}: a launcher passes the source its pipeline uses, so both see the same
   * definitions.
   */
  public TallyApplication(MetricCatalogSource catalog) {
    this.catalogOverride = catalog;
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

    MetricCatalogSource catalog =
        catalogOverride != null
            ? catalogOverride
            : MetricCatalogSource.fixed(config.loadMetricCatalog());
    HotStore hotStore = config.getHotStore().build();

    WindowQueryService queries =
        new WindowQueryService(catalog, hotStore, config.getMaxQueryRange().toMilliseconds());

    environment
        .lifecycle()
        .manage(
            new HotStoreEvictor(
                hotStore, config.getHotRetention().toMilliseconds(), Clock.systemUTC()));

    environment.healthChecks().register("hot-store", new HotStoreHealthCheck(hotStore));
    environment.healthChecks().register("metric-catalog", new MetricCatalogHealthCheck(catalog));

    // Reads are open; write endpoints, when added, require credentials.
    environment.jersey().register(new MetricsResource(queries));

    environment.jersey().register(new QueryExceptionMapper());
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
            });
  }
}
