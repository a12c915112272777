package io.tally.tiering.feed;

import io.tally.tiering.hot.HotStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a hot store from the change feed (the compacted topic of window updates) and keeps it
 * current.
 *
 * <p>Every reader reads every partition from the beginning: there is no consumer group and no
 * committed offset, because each serving node holds the whole view in memory and must rebuild it
 * after a restart. The compacted topic keeps the latest update of every window, so the rebuild
 * reads about one record per window. Applying is idempotent and order-insensitive ({@link
 * HotStore#apply}), so re-reading, duplicates and the order across partitions do not matter.
 *
 * <p>The consumer lives on the reader's own thread (a consumer is not thread-safe); other threads
 * only read the counters and {@link #caughtUp()}, and {@link #close()} wakes it up.
 */
public final class KafkaChangeFeedReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeFeedReader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final long RECHECK_PARTITIONS_MILLIS = 30_000;
  private static final long RETRY_MILLIS = 1_000;

  private final String topic;
  private final Map<String, Object> consumerConfig;
  private final ChangeFeedApplier applier;
  private final CatchUpTracker tracker = new CatchUpTracker();
  private final CountDownLatch caughtUpSignal = new CountDownLatch(1);
  private volatile boolean feedMissing;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final LogThrottle errorLog = new LogThrottle(30_000, System::currentTimeMillis);

  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;
  private volatile String lastError;

  /**
   * How old the newest record of the last non-empty poll was once applied (its Kafka timestamp).
   */
  private volatile long delayMillis;

  /**
   * @param consumerConfig Kafka consumer settings, at least {@code bootstrap.servers}; the reader
   *     sets what its design needs (deserializers, no group, no auto-commit) and defaults to {@code
   *     isolation.level=read_committed}, so that the updates of an aborted pipeline transaction are
   *     never shown
   */
  public KafkaChangeFeedReader(Map<String, Object> consumerConfig, String topic, HotStore store) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.consumerConfig = consumerConfig(consumerConfig, topic);
    this.applier = new ChangeFeedApplier(store, topic);
  }

  static Map<String, Object> consumerConfig(Map<String, Object> overrides, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tally-change-feed-" + topic);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Records compacted or deleted under the reader: start over from the earliest that is left.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Never create the topic by looking at it: a topic created this way would not be compacted.
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.putAll(overrides);
    // What the design relies on: assigned partitions, no group, bytes in.
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return config;
  }

  /** Starts reading on a thread of its own; returns at once. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    consumer = new KafkaConsumer<>(consumerConfig);
    running = true;
    thread = new Thread(this::run, "change-feed-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until {@link #caughtUp()} or the timeout; returns whether it caught up. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUpSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * True while the broker says the change feed topic does not exist: nothing has been published, so
   * there is nothing to catch up with (false until the broker has answered).
   */
  public boolean feedMissing() {
    return feedMissing;
  }

  /** True once every partition reached the end offset it had when the reader started on it. */
  public boolean caughtUp() {
    return caughtUpSignal.getCount() == 0;
  }

  public ChangeFeedStatus status() {
    return new ChangeFeedStatus(
        topic,
        running,
        caughtUp(),
        tracker.partitions(),
        tracker.lag(),
        applier.applied(),
        applier.stale(),
        applier.skipped(),
        delayMillis,
        lastError);
  }

  public String topic() {
    return topic;
  }

  /** Stops reading and closes the consumer; waits for the reader's thread to end. */
  @Override
  public void close() throws InterruptedException {
    Thread reader;
    synchronized (this) {
      reader = thread;
      if (reader == null || !running) {
        return;
      }
      running = false;
    }
    stopSignal.countDown();
    consumer.wakeup();
    reader.join(TimeUnit.SECONDS.toMillis(30));
  }

  private void run() {
    long nextPartitionCheck = 0;
    try {
      while (running) {
        try {
          if (System.currentTimeMillis() >= nextPartitionCheck) {
            boolean found = assignNewPartitions();
            nextPartitionCheck =
                System.currentTimeMillis() + (found ? RECHECK_PARTITIONS_MILLIS : RETRY_MILLIS);
          }
          if (consumer.assignment().isEmpty()) {
            pause(RETRY_MILLIS);
            continue;
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
          long newest = Long.MIN_VALUE;
          for (ConsumerRecord<byte[], byte[]> record : records) {
            applier.apply(record.value(), record.partition() + "@" + record.offset());
            newest = Math.max(newest, record.timestamp());
          }
          if (!records.isEmpty()) {
            delayMillis = Math.max(0, System.currentTimeMillis() - newest);
          }
          trackPositions();
          lastError = null;
        } catch (WakeupException | InterruptException e) {
          // close() wants us to stop (or the thread was interrupted): the loop condition decides.
          if (e instanceof InterruptException) {
            running = false;
          }
        } catch (KafkaException e) {
          // The broker may be away for a while; keep what we have and try again.
          lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
          long suppressed = errorLog.tryAcquire();
          if (suppressed >= 0) {
            LOG.warn("reading change feed {} failed; retrying: {}", topic, lastError);
          }
          pause(RETRY_MILLIS);
        }
      }
    } catch (RuntimeException e) {
      lastError = e.toString();
      LOG.error("change feed reader {} stopped", topic, e);
    } finally {
      running = false;
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("closing the change feed consumer failed", e);
      }
    }
  }

  /**
   * Assigns partitions it has not seen yet (all of them at first, new ones when the topic grows),
   * from their beginning; returns whether the topic has any partition.
   */
  private boolean assignNewPartitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    feedMissing = infos == null || infos.isEmpty();
    if (feedMissing) {
      if (lastError == null) {
        lastError = "topic " + topic + " does not exist (yet)";
      }
      return false;
    }
    Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
    List<TopicPartition> fresh = new ArrayList<>();
    for (PartitionInfo info : infos) {
      TopicPartition partition = new TopicPartition(info.topic(), info.partition());
      if (assigned.add(partition)) {
        fresh.add(partition);
      }
    }
    if (!fresh.isEmpty()) {
      Map<TopicPartition, Long> ends = consumer.endOffsets(fresh, METADATA_TIMEOUT);
      consumer.assign(assigned);
      consumer.seekToBeginning(fresh);
      tracker.addPartitions(ends);
      LOG.info("change feed {}: reading {} new partitions from the beginning", topic, fresh.size());
    }
    return true;
  }

  private void trackPositions() {
    for (TopicPartition partition : consumer.assignment()) {
      long position;
      try {
        position = consumer.position(partition, Duration.ZERO);
      } catch (TimeoutException notKnownYet) {
        continue;
      }
      tracker.update(partition, position, consumer.currentLag(partition));
    }
    if (caughtUpSignal.getCount() > 0 && tracker.caughtUp()) {
      LOG.info(
          "change feed {} caught up: {} updates applied, {} skipped",
          topic,
          applier.applied(),
          applier.skipped());
      caughtUpSignal.countDown();
    }
  }

  private void pause(long millis) {
    try {
      stopSignal.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
