package io.tally.serving.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaEventLogTest {
  @Test
  void theAcknowledgementSettingsCannotBeOverridden() {
    Map<String, Object> config =
        KafkaEventLog.producerConfig(
            Map.of(
                "bootstrap.servers", "k:9092",
                "acks", "1",
                "enable.idempotence", "false",
                "buffer.memory", "4096",
                "max.block.ms", "0"),
            10_000);
    assertThat(config)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("buffer.memory", "4096")
        .containsEntry("max.block.ms", "0")
        .containsEntry("bootstrap.servers", "k:9092");
  }

  @Test
  void recordsExpireAboutWhenTheirRequestGivesUp() {
    Map<String, Object> config = KafkaEventLog.producerConfig(Map.of(), 3_000);
    assertThat(config).containsEntry("request.timeout.ms", 3_000);
    assertThat(config).containsEntry("delivery.timeout.ms", 3_005);
    assertThat(config).containsEntry("buffer.memory", 32L * 1024 * 1024);

    Map<String, Object> overridden =
        KafkaEventLog.producerConfig(
            Map.of("request.timeout.ms", "20000", "linger.ms", "50"), 3_000);
    assertThat(overridden).containsEntry("delivery.timeout.ms", 20_050);
  }

  @Test
  void anUnstartedLogRefusesWithA503Kind() {
    KafkaEventLog log =
        new KafkaEventLog(
            Map.of("bootstrap.servers", "k:9092"),
            "events",
            "events.dlq",
            Duration.ofSeconds(1),
            Duration.ofMillis(1500));
    assertThatThrownBy(() -> log.append(List.of(), List.of()))
        .isInstanceOfSatisfying(
            LogUnavailableException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(2));
  }
}
