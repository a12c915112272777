package io.tally.serving.ops;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.setup.Environment;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.servlet.jakarta.exporter.MetricsServlet;

/**
 * {@value #PATH} on the admin port: every metric of the service's Dropwizard registry in the
 * Prometheus text format, converted by the Prometheus client's Dropwizard bridge (names with {@code
 * .} become {@code _}; meters and counters get {@code _total}; timers are summaries in seconds).
 */
public final class PrometheusEndpoint {
  public static final String PATH = "/prometheus";

  private PrometheusEndpoint() {}

  public static void register(Environment environment) {
    environment
        .admin()
        .addServlet("prometheus", new MetricsServlet(collectors(environment.metrics())))
        .addMapping(PATH);
  }

  /**
   * A registry of this service's own, not the client's JVM-wide default: several services in one
   * JVM (the tests, an embedding launcher) would otherwise register the bridge twice and fail.
   */
  static CollectorRegistry collectors(MetricRegistry metrics) {
    CollectorRegistry collectors = new CollectorRegistry();
    collectors.register(new DropwizardExports(metrics));
    return collectors;
  }
}
