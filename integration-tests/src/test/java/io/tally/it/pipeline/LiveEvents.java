package io.tally.it.pipeline;

import io.tally.it.support.KafkaBroker;
import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.load.GroundTruth;
import io.tally.runners.load.SyntheticProducer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Live events sent in the background, recorded in a ground truth, until the test has done what must
 * happen while they flow (a kill, a stop, a restart) and lets them {@link #finishAfter end}. They
 * stop on the test's word rather than after a fixed count, so a slow machine can't run out of
 * events before the interruption. Event i is due at the start plus i / rate, with its time up to
 * 300 ms before that, and 10% are duplicates; enough categories (24) to give each of 4 partitions
 * some.
 */
final class LiveEvents implements AutoCloseable {
  private static final Duration CHUNK = Duration.ofMillis(200);

  private final double rate;
  private final CompletableFuture<Long> sent;
  private volatile long further = -1;

  private LiveEvents(String topic, double rate, long seed, GroundTruth truth) {
    SyntheticEvents events =
        SyntheticEvents.of(
            SyntheticSettings.live(rate)
                .withSeed(seed)
                .withCategories(24)
                .withDuplicateShare(0.1)
                .withMaxDisorderMillis(300));
    this.rate = rate;
    long chunk = Math.max(1, (long) (rate * CHUNK.toMillis() / 1_000));
    this.sent =
        CompletableFuture.supplyAsync(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  SyntheticProducer.producer(KafkaBroker.bootstrapServers())) {
                long next = 0;
                while (further < 0) {
                  next = send(producer, topic, events, next, next + chunk, truth);
                }
                return send(producer, topic, events, next, next + further, truth);
              }
            });
  }

  /** Starts sending {@code rate} events a second to {@code topic}. */
  static LiveEvents start(String topic, double rate, long seed, GroundTruth truth) {
    return new LiveEvents(topic, rate, seed, truth);
  }

  /** Sends {@code more} events after this call, then stops; returns how many were sent in all. */
  long finishAfter(long more) throws Exception {
    further = more;
    return sent.get((long) (more / rate) + 60, TimeUnit.SECONDS);
  }

  private static long send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      SyntheticEvents events,
      long from,
      long to,
      GroundTruth truth) {
    try {
      return SyntheticProducer.send(producer, topic, events, from, to, () -> false, truth);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    further = 0;
    sent.cancel(true);
  }
}
