package io.tally.pipelines.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics when they are missing, with the settings the guarantees rely on.
 *
 * <p>The change feed is compacted, but only for records older than an hour: a pipeline restored
 * from a checkpoint may publish a window's intermediate update again after a newer one, and a
 * serving node rebuilding its view must still find the newer record next to it. Kafka never
 * compacts the records of the last hour, longer than any checkpoint interval.
 */
public final class KafkaTopics {
  static final long MIN_COMPACTION_LAG_MS = 3_600_000L;

  private KafkaTopics() {}

  public static void ensure(KafkaOptions options, int partitions, short replicationFactor) {
    List<NewTopic> topics = new ArrayList<>();
    topics.add(new NewTopic(options.getEventsTopic(), partitions, replicationFactor));
    topics.add(
        new NewTopic(options.getChangeFeedTopic(), partitions, replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                    Long.toString(MIN_COMPACTION_LAG_MS))));
    topics.add(new NewTopic(options.getDeadLetterTopic(), partitions, replicationFactor));

    try (Admin admin = Admin.create(KafkaClientSettings.client(options))) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(Set.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + options.getBootstrapServers() + " did not answer within 30 s", e);
    }
  }
}
