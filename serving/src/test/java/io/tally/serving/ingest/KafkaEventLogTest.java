package io.tally.serving.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.serving.errors.IngestExceptionMapper;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The producer settings behind ingest, read back the way Kafka's own client reads them (its {@link
 * ProducerConfig} and {@link KafkaProducer}, which refuses inconsistent timeouts), not as the map
 * the code builds.
 */
class KafkaEventLogTest {
  /** No connection is made: a producer connects only when it first sends. */
  private static final String NOWHERE = "127.0.0.1:1";

  @Test
  void theAcknowledgementSettingsCannotBeOverridden() {
    ProducerConfig config =
        new ProducerConfig(
            KafkaEventLog.producerConfig(
                Map.of(
                    "bootstrap.servers", NOWHERE,
                    "acks", "1",
                    "enable.idempotence", "false",
                    "buffer.memory", "4096",
                    "max.block.ms", "0"),
                10_000));
    // Kafka may spell acks=all as -1 once it has parsed it.
    assertThat(config.getString(ProducerConfig.ACKS_CONFIG)).isIn("all", "-1");
    assertThat(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
    // Other settings are the operator's.
    assertThat(config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG)).isEqualTo(4096L);
    assertThat(config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isZero();
    assertThat(config.getList(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly(NOWHERE);
  }

  @Test
  void recordsExpireAboutWhenTheirRequestGivesUp() {
    long ackTimeout = 3_000;
    ProducerConfig config =
        new ProducerConfig(
            KafkaEventLog.producerConfig(Map.of("bootstrap.servers", NOWHERE), ackTimeout));
    long delivery = config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    long linger = config.getLong(ProducerConfig.LINGER_MS_CONFIG);
    long request = config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
    // Not before the request that sent them gives up, and not later than the producer needs.
    assertThat(delivery)
        .isGreaterThanOrEqualTo(ackTimeout)
        .isLessThanOrEqualTo(ackTimeout + linger);
    assertThat(request).isLessThanOrEqualTo(ackTimeout);
    assertThat(config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG)).isEqualTo(32L * 1024 * 1024);
    assertProducerAccepts(
        KafkaEventLog.producerConfig(Map.of("bootstrap.servers", NOWHERE), 3_000));

    // Longer timeouts set by the operator: the records wait for them, as the producer requires.
    Map<String, Object> overridden =
        KafkaEventLog.producerConfig(
            Map.of("bootstrap.servers", NOWHERE, "request.timeout.ms", "20000", "linger.ms", "50"),
            ackTimeout);
    assertThat(new ProducerConfig(overridden).getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        .isEqualTo(20_000 + 50);
    assertProducerAccepts(overridden);
  }

  @Test
  void anUnstartedLogRefusesWithA503Kind() {
    KafkaEventLog log =
        new KafkaEventLog(
            Map.of("bootstrap.servers", NOWHERE),
            "events",
            "events.dlq",
            Duration.ofSeconds(1),
            Duration.ofMillis(1500));
    assertThatThrownBy(() -> log.append(List.of(), List.of()))
        .isInstanceOfSatisfying(
            LogUnavailableException.class,
            e -> {
              // 1.5 s, in whole seconds and never shorter: 2.
              assertThat(e.retryAfterSeconds()).isEqualTo(2);
              Response response = new IngestExceptionMapper().toResponse(e);
              assertThat(response.getStatus()).isEqualTo(503);
              assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
            });
  }

  /**
   * A real producer refuses, when it is built, a delivery timeout shorter than linger plus request
   * timeout; building one proves the settings are consistent.
   */
  private static void assertProducerAccepts(Map<String, Object> config) {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config);
    // Nothing was sent: nothing to wait for.
    producer.close(Duration.ZERO);
  }
}
