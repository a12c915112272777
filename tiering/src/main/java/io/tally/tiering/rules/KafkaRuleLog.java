package io.tally.tiering.rules;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule log on a compacted Kafka topic of one partition: one partition gives every reader the
 * same total order of changes. Each proposal has its own key ({@link RuleChange#key()}), so
 * compaction keeps every change that took effect; the topic holds a few records per change and is
 * never trimmed by time.
 *
 * <p>{@link #start()} creates the topic when missing and reads it to its end before returning, so a
 * process starts with the whole catalog; a thread then follows the topic (a change reaches every
 * follower within one fetch, well under a second). The producer is created on the first write:
 * pipeline workers only read.
 */
public final class KafkaRuleLog extends RuleLog {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaRuleLog.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Map<String, Object> clientConfig;
  private final String topic;
  private final TopicPartition partition;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private Thread follower;
  private volatile boolean running;

  public KafkaRuleLog(Map<String, Object> clientConfig, String topic) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.topic = topic;
    this.partition = new TopicPartition(topic, 0);
  }

  /** Creates the topic if needed, reads it to its end, then follows it on a daemon thread. */
  public synchronized void start() {
    ensureTopic();
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tally-rules-" + topic);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    long end = consumer.endOffsets(List.of(partition), START_TIMEOUT).get(partition);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (consumer.position(partition, START_TIMEOUT) < end) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read the rule log " + topic + " to its end");
      }
      pollOnce();
    }
    running = true;
    follower = new Thread(this::follow, "tally-rules-" + topic);
    follower.setDaemon(true);
    follower.start();
  }

  private void follow() {
    try {
      while (running) {
        try {
          pollOnce();
        } catch (WakeupException e) {
          // close() woke it up
        } catch (RuntimeException e) {
          LOG.warn("Reading the rule log {} failed; retrying: {}", topic, e.toString());
          sleepQuietly();
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void pollOnce() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      if (record.value() == null) {
        continue;
      }
      RuleChange change;
      try {
        change = RuleChangeJson.read(record.value());
      } catch (IllegalArgumentException e) {
        // Every reader skips the same record, so all still agree.
        LOG.warn(
            "Skipping an unreadable record at offset {} of {}: {}",
            record.offset(),
            topic,
            e.getMessage());
        continue;
      }
      read(change);
    }
  }

  @Override
  protected void append(RuleChange change, Duration timeout) {
    try {
      producer()
          .send(new ProducerRecord<>(topic, 0, change.key(), RuleChangeJson.write(change)))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuleLogUnavailableException("interrupted while writing to the rule log", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new RuleLogUnavailableException(
          "the rule log " + topic + " did not take the change", e);
    }
  }

  private synchronized KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(clientConfig);
      config.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-rules-writer-" + topic);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
      producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  private void ensureTopic() {
    Map<String, Object> adminConfig = new HashMap<>(clientConfig);
    // Only what an admin client knows (the producer and consumer settings would be logged as
    // unknown), which includes every security, SASL and TLS setting.
    adminConfig.keySet().retainAll(AdminClientConfig.configNames());
    try (Admin admin = Admin.create(adminConfig)) {
      NewTopic rules =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(Set.of(rules)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the rule log topic " + topic, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within 30 s", e);
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (follower != null) {
      try {
        follower.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
