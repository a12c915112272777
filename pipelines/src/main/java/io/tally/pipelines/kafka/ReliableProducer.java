package io.tally.pipelines.kafka;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producer settings for every topic the pipeline writes: nothing acknowledged is ever lost. */
final class ReliableProducer {
  private ReliableProducer() {}

  static Map<String, Object> config() {
    return Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
  }
}
