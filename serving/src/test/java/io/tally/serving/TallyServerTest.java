package io.tally.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.util.Duration;
import io.tally.model.metric.MetricCatalog;
import io.tally.serving.auth.Credential;
import io.tally.serving.auth.Roles;
import io.tally.tiering.rules.RuleChange;
import io.tally.tiering.rules.RuleLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Starting the service in-process, as the embedded mode does, and the shipped configuration. */
class TallyServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shippedConfigurationHasTheDocumentedDefaults() throws Exception {
    TallyConfiguration config =
        new YamlConfigurationFactory<>(
                TallyConfiguration.class,
                Validators.newValidator(),
                Jackson.newObjectMapper(),
                "dw")
            .build(TallyApplication.configurationSourceProvider(), "tally-serving.yml");
    assertThat(config.getMaxQueryRange()).isEqualTo(Duration.days(31));
    assertThat(config.getHotRetention()).isEqualTo(Duration.hours(2));
    assertThat(config.getHotStore().getName()).isEqualTo("embedded");
    assertThat(config.getMetricsFile()).isNull();
    DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
    assertThat(((HttpConnectorFactory) server.getApplicationConnectors().get(0)).getPort())
        .isEqualTo(8080);
    assertThat(((HttpConnectorFactory) server.getAdminConnectors().get(0)).getPort())
        .isEqualTo(9081);
    assertThat(config.loadMetricCatalog().size()).isEqualTo(MetricCatalog.defaults().size());
    // No anonymous write: no key is shipped, and reads are open.
    assertThat(config.getAuth().getCredentials()).isEmpty();
    assertThat(config.getAuth().isReadsNeedCredentials()).isFalse();
    assertThat(config.getRules().getTopic()).isEqualTo("rules");
    assertThat(config.getRules().getActivationDelay()).isEqualTo(Duration.seconds(2));
    // Ingest is limited by the producer's buffer until a measured rate is configured.
    assertThat(config.getIngest().isRateLimit()).isFalse();
  }

  @Test
  void startsInProcessWithTheLaunchersRuleLogAndHidesInternalErrors() throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    MetricCatalog catalog = MetricCatalog.defaults();
    RuleLog log =
        new RuleLog() {
          @Override
          protected void append(RuleChange change, java.time.Duration timeout) {
            if (broken.get()) {
              throw new IllegalStateException("secret internal detail");
            }
            read(change);
          }
        };
    log.seed(catalog, java.time.Duration.ofSeconds(1));
    String key = Credential.newKey();
    TallyApplication application =
        new TallyApplication(log, List.of(Credential.forKey("launcher", key, Set.of(Roles.ADMIN))));
    try (TallyServer server = TallyServer.start(application, config())) {
      HttpResponse<String> list = get(server.port(), "/v1/metrics");
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(list.body()).get("metrics")).hasSize(catalog.size());

      HttpResponse<String> health = get(server.adminPort(), "/healthcheck");
      assertThat(health.statusCode()).isEqualTo(200);

      // Not acceptable: still a problem document.
      HttpResponse<String> html =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + server.port() + "/v1/metrics"))
                  .header("Accept", "text/html")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(html.statusCode()).isEqualTo(406);
      assertThat(html.headers().firstValue("Content-Type")).hasValue("application/problem+json");

      broken.set(true);
      HttpResponse<String> failed =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + server.port() + "/v1/metrics/new_metric"))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"1m\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = JSON.readTree(failed.body());
      assertThat(problem.get("status").asInt()).isEqualTo(500);
      assertThat(problem.get("title").asText()).isEqualTo("Internal Server Error");
      assertThat(failed.body()).doesNotContain("secret", "Exception", "at io.", key);
    }
  }

  private static TallyConfiguration config() {
    TallyConfiguration config = new TallyConfiguration();
    config.getHotStore().setName("tally-server-test-" + UUID.randomUUID());
    DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
    ((HttpConnectorFactory) server.getApplicationConnectors().get(0)).setPort(0);
    ((HttpConnectorFactory) server.getAdminConnectors().get(0)).setPort(0);
    LogbackAccessRequestLogFactory requestLog = new LogbackAccessRequestLogFactory();
    requestLog.setAppenders(List.of());
    server.setRequestLogFactory(requestLog);
    // The 500 below is logged at ERROR on purpose; the rest of the start-up chatter is not needed.
    ((DefaultLoggingFactory) config.getLoggingFactory()).setLevel("WARN");
    return config;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
