package io.tally.serving.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saved queries on a compacted Kafka topic (key: the id; value: the query's JSON; a tombstone
 * deletes it), for a service that runs with Kafka. Every serving node reads the whole topic at
 * start and then follows it, so a query saved through one node can be streamed from any other, and
 * all survive restarts of every node. A write returns once the broker has acknowledged it.
 */
public final class KafkaSavedQueryStore implements SavedQueryStore, Managed {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSavedQueryStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(200);

  private final Map<String, Object> clientConfig;
  private final String topic;
  private final Duration timeout;
  private final Map<String, SavedQuery> queries = new ConcurrentHashMap<>();
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaConsumer<byte[], byte[]> consumer;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private Thread follower;
  private volatile boolean running;

  /**
   * @param clientConfig at least {@code bootstrap.servers}
   * @param timeout how long start-up and each write wait for the broker
   */
  public KafkaSavedQueryStore(Map<String, Object> clientConfig, String topic, Duration timeout) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.topic = topic;
    this.timeout = timeout;
  }

  /**
   * Starts reading the topic (created when missing) from its beginning on a thread of its own, and
   * waits up to the timeout until it has read to the end. A broker that cannot be reached in time
   * does not keep the service down: it starts, the reader keeps trying, and saved queries appear
   * once it has read them (saving one fails with a 503 meanwhile).
   */
  @Override
  public void start() throws InterruptedException {
    Map<String, Object> producerConfig = new HashMap<>(clientConfig);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    producerConfig.put(
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producerConfig.put(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(producerConfig);

    Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumerConfig.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(consumerConfig);

    running = true;
    follower = new Thread(this::follow, "saved-queries-" + topic);
    follower.setDaemon(true);
    follower.start();
    if (loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.info("{} saved queries read from topic {}", queries.size(), topic);
    } else {
      LOG.warn("saved queries not read from topic {} after {}; starting anyway", topic, timeout);
    }
  }

  /** The reader's thread: assigns the topic from its beginning, reads it, and follows it. */
  private void follow() {
    Map<TopicPartition, Long> ends = null;
    while (running) {
      try {
        if (ends == null) {
          createTopic();
          List<TopicPartition> partitions =
              consumer.partitionsFor(topic, timeout).stream()
                  .map(p -> new TopicPartition(p.topic(), p.partition()))
                  .toList();
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
          ends = consumer.endOffsets(partitions, timeout);
        }
        consumer.poll(POLL).forEach(this::apply);
        if (loaded.getCount() > 0 && caughtUp(ends)) {
          loaded.countDown();
        }
      } catch (WakeupException e) {
        // stop() wants us to end.
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          return;
        }
        LOG.warn("reading saved queries from topic {} failed; retrying: {}", topic, e.toString());
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey(), timeout) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    String id = new String(record.key(), StandardCharsets.UTF_8);
    if (record.value() == null) {
      queries.remove(id);
      return;
    }
    try {
      queries.put(id, JSON.readValue(record.value(), SavedQuery.class));
    } catch (IOException e) {
      LOG.warn("skipped an unreadable saved query {} on topic {}: {}", id, topic, e.getMessage());
    }
  }

  @Override
  public void put(SavedQuery query) {
    try {
      send(query.id(), JSON.writeValueAsBytes(query));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    queries.put(query.id(), query);
  }

  @Override
  public long countOwnedBy(String owner) {
    return queries.values().stream().filter(q -> Objects.equals(q.owner(), owner)).count();
  }

  @Override
  public Optional<SavedQuery> get(String id) {
    return Optional.ofNullable(queries.get(id));
  }

  @Override
  public boolean delete(String id) {
    if (!queries.containsKey(id)) {
      return false;
    }
    send(id, null);
    // Deleted once the broker has the tombstone. The reader may have applied it already (it
    // follows the same topic), so whether this removal finds the entry says nothing.
    queries.remove(id);
    return true;
  }

  private void send(String id, byte[] value) {
    try {
      producer
          .send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SavedQueryStoreException("interrupted while saving to topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new SavedQueryStoreException(
          "the broker did not acknowledge the change to topic " + topic, e);
    }
  }

  private void createTopic() throws Exception {
    try (Admin admin = Admin.create(clientConfig)) {
      NewTopic compacted =
          new NewTopic(topic, 1, (short) -1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(Set.of(compacted)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("created the compacted topic {} for saved queries", topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (follower != null) {
      follower.join(5_000);
    }
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
