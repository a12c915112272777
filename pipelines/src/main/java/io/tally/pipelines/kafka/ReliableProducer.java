package io.tally.pipelines.kafka;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producer settings for every topic the pipeline writes: nothing acknowledged is ever lost. */
final class ReliableProducer {
  /**
   * Room for a whole bundle's records to one partition in one batch: Beam's Kafka writer flushes at
   * the end of every bundle, so batches rarely fill, and a batch that is full before that splits a
   * bundle's output into several requests.
   */
  private static final int BATCH_BYTES = 256 * 1024;

  private ReliableProducer() {}

  static Map<String, Object> config() {
    return config("lz4");
  }

  static Map<String, Object> config(String compression) {
    return Map.of(
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        true,
        ProducerConfig.LINGER_MS_CONFIG,
        5,
        ProducerConfig.BATCH_SIZE_CONFIG,
        BATCH_BYTES,
        ProducerConfig.COMPRESSION_TYPE_CONFIG,
        compression);
  }
}
