package io.tally.serving.ingest;

import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code events} topic as the durable log of ingest, and the dead-letter topic for the lines it
 * refuses, through one producer shared by all requests (a producer is thread-safe, and batches the
 * records of concurrent requests together).
 *
 * <p>A request is acknowledged only when the broker has acknowledged every one of its records,
 * events and dead letters, with {@code acks=all}; the producer is idempotent so that its own
 * retries never duplicate a record. Its buffer is bounded and {@code send} blocks at most {@code
 * max.block.ms}, so that a broker that cannot keep up turns into quick 429s instead of piled-up
 * request threads.
 */
public final class KafkaEventLog implements EventLog, Managed {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);
  private static final long METADATA_RETRY_MILLIS = 100;

  private final Map<String, Object> producerConfig;
  private final String topic;
  private final String deadLetterTopic;
  private final long ackTimeoutMillis;
  private final long retryAfterSeconds;
  private volatile Producer<byte[], byte[]> producer;

  /**
   * @param producerConfig {@code bootstrap.servers} and any overrides of the defaults below
   */
  public KafkaEventLog(
      Map<String, Object> producerConfig,
      String topic,
      String deadLetterTopic,
      Duration ackTimeout,
      Duration retryAfter) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    this.ackTimeoutMillis = ackTimeout.toMillis();
    this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    this.producerConfig = producerConfig(producerConfig, ackTimeoutMillis);
  }

  static Map<String, Object> producerConfig(Map<String, Object> overrides, long ackTimeoutMillis) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-ingest");
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024);
    // A full buffer fails the request quickly (429) rather than holding a request thread.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500L);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Give up on records about when their request gave up on them, so that a broker outage
    // does not keep the buffer full of records no client waits for any more.
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, ackTimeoutMillis));
    config.putAll(overrides);
    long linger = Long.parseLong(String.valueOf(config.get(ProducerConfig.LINGER_MS_CONFIG)));
    long request =
        Long.parseLong(String.valueOf(config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)));
    // The producer insists on delivery.timeout.ms >= linger.ms + request.timeout.ms.
    config.putIfAbsent(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) Math.max(ackTimeoutMillis, linger + request));
    // What a 202 promises: every record on all in-sync replicas, exactly once per send.
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return config;
  }

  @Override
  public void start() {
    producer = new KafkaProducer<>(producerConfig);
    warmUpMetadata();
  }

  /**
   * Fetches the topics' metadata before the first request: {@code send} waits for it for at most
   * {@code max.block.ms}, which may be too short for a first round trip. Not fatal when the broker
   * is away: requests then answer 503 and the health check says why.
   */
  private void warmUpMetadata() {
    long deadline = System.currentTimeMillis() + Math.min(ackTimeoutMillis, 10_000);
    while (true) {
      try {
        producer.partitionsFor(topic);
        producer.partitionsFor(deadLetterTopic);
        return;
      } catch (TimeoutException e) {
        if (System.currentTimeMillis() >= deadline) {
          LOG.warn(
              "no metadata for topics {} and {} yet; ingest answers 503 until the broker is"
                  + " reachable and both exist",
              topic,
              deadLetterTopic);
          return;
        }
        try {
          Thread.sleep(METADATA_RETRY_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      } catch (KafkaException e) {
        LOG.warn(
            "cannot read the metadata of topics {} and {}: {}",
            topic,
            deadLetterTopic,
            e.getMessage());
        return;
      }
    }
  }

  @Override
  public void stop() {
    Producer<byte[], byte[]> running = producer;
    if (running != null) {
      running.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void append(List<AcceptedEvent> events, List<byte[]> deadLetters) {
    Producer<byte[], byte[]> out = producer;
    if (out == null) {
      throw new LogUnavailableException("the event log is not started", retryAfterSeconds, null);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMillis);
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size() + deadLetters.size());
    for (AcceptedEvent event : events) {
      acks.add(send(out, new ProducerRecord<>(topic, event.key(), event.value()), deadline));
    }
    for (byte[] deadLetter : deadLetters) {
      acks.add(send(out, new ProducerRecord<>(deadLetterTopic, null, deadLetter), deadline));
    }
    for (Future<RecordMetadata> ack : acks) {
      await(ack, deadline);
    }
  }

  private Future<RecordMetadata> send(
      Producer<byte[], byte[]> out, ProducerRecord<byte[], byte[]> record, long deadline) {
    Future<RecordMetadata> ack;
    try {
      ack = out.send(record);
    } catch (KafkaException | IllegalStateException e) {
      throw translate(e);
    }
    // The producer reports a full buffer or missing metadata through an already failed
    // future, not by throwing: stop at the first one instead of sending the rest in vain.
    if (ack.isDone()) {
      await(ack, deadline);
    }
    return ack;
  }

  private void await(Future<RecordMetadata> ack, long deadline) {
    try {
      ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LogUnavailableException(
          "the event log did not acknowledge them within " + ackTimeoutMillis + " ms",
          retryAfterSeconds,
          e);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogUnavailableException("the request was interrupted", retryAfterSeconds, e);
    }
  }

  /** What a failed send means for the client: slow down (429), or the log is away (503). */
  private IngestException translate(Throwable failure) {
    if (failure instanceof BufferExhaustedException) {
      return new LogOverloadedException(retryAfterSeconds, failure);
    }
    if (failure instanceof TimeoutException) {
      // Not the buffer: no metadata in time, or records that expired unacknowledged.
      return new LogUnavailableException(
          "the event log did not acknowledge them in time", retryAfterSeconds, failure);
    }
    LOG.warn("the event log failed to take events: {}", String.valueOf(failure));
    return new LogUnavailableException(
        "the event log failed to store them", retryAfterSeconds, failure);
  }

  public String topic() {
    return topic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic;
  }
}
