package io.tally.serving;

import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import net.sourceforge.argparse4j.inf.Namespace;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A running Tally service inside the calling process, for launchers (the embedded mode) and tests:
 * {@code start} returns once the server listens; {@link #close} stops it. Runs the same {@code
 * server} command as {@code main}, without exiting the JVM on errors (they are thrown).
 */
public final class TallyServer implements AutoCloseable {
  private final Server jetty;
  private final TallyConfiguration configuration;
  private final Environment environment;

  private TallyServer(Server jetty, TallyConfiguration configuration, Environment environment) {
    this.jetty = jetty;
    this.configuration = configuration;
    this.environment = environment;
  }

  /**
   * Starts {@code application} with a YAML file (or classpath resource) as {@code main} would;
   * {@code dw.}-prefixed system properties override it as usual.
   */
  public static TallyServer start(TallyApplication application, String configPath)
      throws Exception {
    Objects.requireNonNull(configPath, "configPath");
    return start(application, configPath, null);
  }

  /** Starts {@code application} with a configuration built in code. */
  public static TallyServer start(TallyApplication application, TallyConfiguration configuration)
      throws Exception {
    Objects.requireNonNull(configuration, "configuration");
    return start(application, null, configuration);
  }

  private static TallyServer start(
      TallyApplication application, String configPath, TallyConfiguration explicit)
      throws Exception {
    Server[] jetty = new Server[1];
    TallyConfiguration[] config = new TallyConfiguration[1];
    Environment[] env = new Environment[1];
    Bootstrap<TallyConfiguration> bootstrap =
        new Bootstrap<>(application) {
          @Override
          public void run(TallyConfiguration configuration, Environment environment)
              throws Exception {
            environment.lifecycle().addServerLifecycleListener(server -> jetty[0] = server);
            config[0] = configuration;
            env[0] = environment;
            super.run(configuration, environment);
          }
        };
    application.initialize(bootstrap);
    if (explicit != null) {
      bootstrap.setConfigurationFactoryFactory(
          (klass, validator, objectMapper, prefix) -> fixed(explicit));
    }
    Map<String, Object> arguments = new HashMap<>();
    if (configPath != null) {
      arguments.put("file", configPath);
    }
    new ServerCommand<>(application).run(bootstrap, new Namespace(arguments));
    if (jetty[0] == null) {
      throw new IllegalStateException("the Tally service did not start");
    }
    // The caller stops it (close()); Jetty's own shutdown hook would stop it a second time,
    // concurrently, and log a stack trace when it finds handlers that the first stop has not
    // reached yet.
    jetty[0].setStopAtShutdown(false);
    return new TallyServer(jetty[0], config[0], env[0]);
  }

  private static ConfigurationFactory<TallyConfiguration> fixed(TallyConfiguration configuration) {
    return new ConfigurationFactory<>() {
      @Override
      public TallyConfiguration build(ConfigurationSourceProvider provider, String path) {
        return configuration;
      }

      @Override
      public TallyConfiguration build() {
        return configuration;
      }
    };
  }

  /** The port of the application connector (useful when configured as 0). */
  public int port() {
    return port("application");
  }

  /** The port of the admin connector (health checks, metrics). */
  public int adminPort() {
    return port("admin");
  }

  private int port(String name) {
    Connector[] connectors = jetty.getConnectors();
    for (Connector connector : connectors) {
      if (name.equals(connector.getName()) && connector instanceof ServerConnector server) {
        return server.getLocalPort();
      }
    }
    // A simple server has one connector for both.
    return ((ServerConnector) connectors[0]).getLocalPort();
  }

  public TallyConfiguration configuration() {
    return configuration;
  }

  public Environment environment() {
    return environment;
  }

  @Override
  public void close() throws Exception {
    try {
      jetty.stop();
    } finally {
      configuration.getLoggingFactory().reset();
    }
  }
}
