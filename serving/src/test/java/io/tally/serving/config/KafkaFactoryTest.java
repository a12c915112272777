package io.tally.serving.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KafkaFactoryTest {
  private final YamlConfigurationFactory<TallyConfiguration> factory =
      new YamlConfigurationFactory<>(
          TallyConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  @Test
  void theShippedConfigurationRunsWithoutKafka() throws Exception {
    TallyConfiguration config =
        factory.build(TallyApplication.configurationSourceProvider(), "tally-serving.yml");
    assertThat(config.getKafka()).isNull();
  }

  @Test
  void aKafkaSectionNeedsOnlyTheBrokers() throws Exception {
    TallyConfiguration config = parse("kafka:\n  bootstrapServers: k1:9092,k2:9092\n");
    KafkaFactory kafka = config.getKafka();
    assertThat(kafka.getEventsTopic()).isEqualTo("events");
    assertThat(kafka.getChangeFeedTopic()).isEqualTo("aggregates");
    assertThat(kafka.getAckTimeout()).isEqualTo(Duration.seconds(10));
    assertThat(kafka.getRetryAfter()).isEqualTo(Duration.seconds(1));
    assertThat(kafka.getProducer()).isEmpty();
    assertThat(kafka.clientConfig(java.util.Map.of("linger.ms", "1")))
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("linger.ms", "1");
  }

  @Test
  void producerOverridesAreStrings() throws Exception {
    TallyConfiguration config =
        parse(
            "kafka:\n  bootstrapServers: k:9092\n  ackTimeout: 3s\n"
                + "  producer:\n    buffer.memory: 4096\n    max.block.ms: 0\n");
    assertThat(config.getKafka().getProducer())
        .containsEntry("buffer.memory", "4096")
        .containsEntry("max.block.ms", "0");
    assertThat(config.getKafka().getAckTimeout()).isEqualTo(Duration.seconds(3));
  }

  @Test
  void aKafkaSectionWithoutBrokersIsInvalid() {
    assertThatThrownBy(() -> parse("kafka:\n  eventsTopic: e\n"))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("kafka.bootstrapServers");
  }

  private TallyConfiguration parse(String yaml) throws Exception {
    return factory.build(
        new ResourceConfigurationSourceProvider() {
          @Override
          public java.io.InputStream open(String path) {
            return new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
          }
        },
        "inline.yml");
  }
}
