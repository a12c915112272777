package io.tally.it.ingest;

import com.fasterxml.jackson.databind.node.TextNode;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.util.Duration;
import io.tally.it.support.KafkaBroker;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.serving.auth.Credential;
import io.tally.serving.auth.Roles;
import io.tally.serving.config.KafkaFactory;
import io.tally.tiering.hot.SharedHotStores;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Configurations of the real service for the Kafka tests: random ports, quiet logs, its own hot
 * store, and a {@code kafka} section pointed at the test broker.
 */
public final class TallyTestConfigs {
  /** The API key the test services accept, with every role. */
  public static final String KEY = "integration-test-key";

  /** The {@code Authorization} header value that presents {@link #KEY}. */
  public static final String AUTHORIZATION = "Bearer " + KEY;

  private TallyTestConfigs() {}

  public static KafkaFactory kafka(String eventsTopic, String changeFeedTopic) {
    KafkaFactory kafka = new KafkaFactory();
    kafka.setBootstrapServers(KafkaBroker.bootstrapServers());
    kafka.setEventsTopic(eventsTopic);
    kafka.setChangeFeedTopic(changeFeedTopic);
    kafka.setCatchUpTimeout(Duration.seconds(30));
    return kafka;
  }

  /**
   * Creates the topics and starts the real service on them, with its own hot store; {@code tune}
   * adjusts the kafka section first.
   */
  public static DropwizardAppExtension<TallyConfiguration> startService(
      String store,
      String eventsTopic,
      int eventPartitions,
      String changeFeedTopic,
      int changeFeedPartitions,
      Consumer<KafkaFactory> tune)
      throws Exception {
    KafkaBroker.createTopic(eventsTopic, eventPartitions, false);
    KafkaBroker.createTopic(changeFeedTopic, changeFeedPartitions, true);
    KafkaFactory kafka = kafka(eventsTopic, changeFeedTopic);
    tune.accept(kafka);
    DropwizardAppExtension<TallyConfiguration> app =
        new DropwizardAppExtension<>(TallyApplication.class, service(store, kafka));
    app.before();
    return app;
  }

  public static void stopService(DropwizardAppExtension<TallyConfiguration> app, String store) {
    if (app != null) {
      app.after();
    }
    SharedHotStores.remove(store);
  }

  public static TallyConfiguration service(String hotStoreName, KafkaFactory kafka) {
    TallyConfiguration config = new TallyConfiguration();
    config.getHotStore().setName(hotStoreName);
    config.setKafka(kafka);
    // A rule log of its own, so that no other test's definitions reach this one.
    config.getRules().setTopic(rulesTopic(hotStoreName));
    config
        .getAuth()
        .setCredentials(List.of(Credential.forKey("integration-tests", KEY, Roles.ALL)));
    DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
    ((HttpConnectorFactory) server.getApplicationConnectors().get(0)).setPort(0);
    ((HttpConnectorFactory) server.getAdminConnectors().get(0)).setPort(0);
    LogbackAccessRequestLogFactory requestLog = new LogbackAccessRequestLogFactory();
    requestLog.setAppenders(List.of());
    server.setRequestLogFactory(requestLog);
    DefaultLoggingFactory logging = (DefaultLoggingFactory) config.getLoggingFactory();
    logging.setLevel("WARN");
    // The outage tests make the Kafka clients complain about the missing broker, on purpose.
    logging.setLoggers(Map.of("org.apache.kafka", TextNode.valueOf("ERROR")));
    return config;
  }

  /**
   * The rule log of the test service for {@code hotStoreName}: a pipeline that should count what
   * that service defines follows the same topic ({@code --rulesTopic}).
   */
  public static String rulesTopic(String hotStoreName) {
    return hotStoreName + "-rules";
  }
}
