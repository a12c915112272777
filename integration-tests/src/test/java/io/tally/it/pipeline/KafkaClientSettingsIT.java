package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.it.support.KafkaBroker;
import io.tally.pipelines.kafka.KafkaOptions;
import io.tally.pipelines.kafka.KafkaTopics;
import io.tally.serving.config.KafkaFactory;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka client settings given once reach real clients: against a plaintext broker, a client told to
 * speak TLS ({@code security.protocol=SSL}) cannot get an answer, and the same client without it
 * can. So a cluster that requires TLS or SASL gets those settings from the same place.
 */
@ExtendWith(KafkaBroker.class)
class KafkaClientSettingsIT {
  /** Fail within seconds instead of the clients' default minute. */
  private static final String FAST = "default.api.timeout.ms=5000,request.timeout.ms=3000";

  private static KafkaOptions pipeline(String properties) {
    String prefix = "settings-" + UUID.randomUUID();
    return PipelineOptionsFactory.fromArgs(
            "--bootstrapServers=" + KafkaBroker.bootstrapServers(),
            "--eventsTopic=" + prefix + "-events",
            "--changeFeedTopic=" + prefix + "-feed",
            "--deadLetterTopic=" + prefix + "-dlq",
            "--kafkaProperties=" + properties)
        .as(KafkaOptions.class);
  }

  @Test
  void thePipelinesKafkaPropertiesReachItsAdminClient() throws Exception {
    KafkaOptions plain = pipeline(FAST);
    KafkaTopics.ensure(plain, 1, (short) 1);
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", KafkaBroker.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .contains(plain.getEventsTopic(), plain.getChangeFeedTopic());
    }

    KafkaOptions tls = pipeline("security.protocol=SSL," + FAST);
    assertThatThrownBy(() -> KafkaTopics.ensure(tls, 1, (short) 1))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void theServicesKafkaPropertiesReachItsClients() throws Exception {
    KafkaFactory kafka = new KafkaFactory();
    kafka.setBootstrapServers(KafkaBroker.bootstrapServers());
    kafka.setProperties(Map.of("default.api.timeout.ms", "5000", "request.timeout.ms", "3000"));
    try (Admin admin = Admin.create(kafka.clientConfig(Map.of("client.id", "settings-it")))) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).isNotEmpty();
    }

    kafka.setProperties(
        Map.of(
            "security.protocol", "SSL",
            "default.api.timeout.ms", "5000",
            "request.timeout.ms", "3000"));
    try (Admin admin = Admin.create(kafka.clientConfig(Map.of("client.id", "settings-it")))) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .isNotNull();
    }
  }
}
