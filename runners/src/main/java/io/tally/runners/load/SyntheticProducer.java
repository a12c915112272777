package io.tally.runners.load;

import io.tally.pipelines.synthetic.SyntheticEvent;
import io.tally.pipelines.synthetic.SyntheticEvents;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends synthetic events to the events topic as the contract's producers do: JSON values keyed by
 * category (one category keeps its order within a partition), through an idempotent producer with
 * {@code acks=all}, so that what is acknowledged is in the log exactly once.
 */
public final class SyntheticProducer {
  private SyntheticProducer() {}

  public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * Sends positions {@code [from, to)} of {@code events} to {@code topic}, each when it is due on
   * the generator's clock when it has a rate (as fast as possible otherwise), until done or {@code
   * stop} says so; flushes and records in {@code truth} what was sent.
   *
   * @return the next position to send
   * @throws IllegalStateException when the broker refused any record (after the producer's
   *     retries): then the truth no longer matches the log
   */
  public static long send(
      Producer<byte[], byte[]> producer,
      String topic,
      SyntheticEvents events,
      long from,
      long to,
      BooleanSupplier stop,
      GroundTruth truth)
      throws InterruptedException {
    boolean paced = events.settings().rate() > 0;
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long i = from;
    for (; i < to && !stop.getAsBoolean(); i++) {
      if (paced) {
        long wait = events.clockAt(i) - System.currentTimeMillis();
        if (wait > 0) {
          TimeUnit.MILLISECONDS.sleep(wait);
        }
      }
      SyntheticEvent event = events.describe(i);
      byte[] value = events.json(i).getBytes(StandardCharsets.UTF_8);
      byte[] key = event.category().getBytes(StandardCharsets.UTF_8);
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, error) -> {
            if (error != null) {
              failed.incrementAndGet();
              firstFailure.compareAndSet(null, error);
            }
          });
      truth.add(event);
    }
    producer.flush();
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " events were not acknowledged by the broker", firstFailure.get());
    }
    return i;
  }
}
