package io.tally.pipelines.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** {@code --kafkaProperties}: what every Kafka client of the pipeline starts from. */
class KafkaClientSettingsTest {

  private static KafkaOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(KafkaOptions.class);
  }

  @Test
  void everyClientStartsFromTheServersAndTheGivenProperties() {
    KafkaOptions options =
        options(
            "--bootstrapServers=broker-1:9093",
            "--kafkaProperties=security.protocol=SASL_SSL, sasl.mechanism=PLAIN");

    assertThat(KafkaClientSettings.client(options))
        .containsExactly(
            Map.entry("bootstrap.servers", "broker-1:9093"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "PLAIN"));
  }

  @Test
  void aClientsOwnSettingsWinOverTheSharedOnes() {
    KafkaOptions options = options("--kafkaProperties=security.protocol=SSL,acks=1");

    assertThat(KafkaClientSettings.with(options, Map.of("acks", "all")))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("acks", "all");
  }

  @Test
  void withoutPropertiesOnlyTheServers() {
    assertThat(KafkaClientSettings.client(options("--bootstrapServers=b:9092")))
        .containsExactly(Map.entry("bootstrap.servers", "b:9092"));
  }

  @Test
  void aPairWithoutAValueIsRefused() {
    KafkaOptions options = options("--kafkaProperties=security.protocol");

    assertThatThrownBy(() -> KafkaClientSettings.properties(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'security.protocol' is not key=value");
  }
}
