package io.tally.tiering.rules;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rule logs shared within one JVM: in-memory ones by name, Kafka ones by bootstrap servers and
 * topic. Pipeline workers cannot be handed a log (it does not serialize); they find the one of
 * their process here, so a JVM follows each log with one consumer however many workers it runs.
 */
public final class SharedRuleLogs {
  private static final Map<String, InMemoryRuleLog> IN_MEMORY = new ConcurrentHashMap<>();
  private static final Map<String, KafkaRuleLog> KAFKA = new ConcurrentHashMap<>();

  private SharedRuleLogs() {}

  public static InMemoryRuleLog named(String name) {
    return IN_MEMORY.computeIfAbsent(name, n -> new InMemoryRuleLog());
  }

  public static void remove(String name) {
    IN_MEMORY.remove(name);
  }

  /** The started Kafka rule log of this JVM for that topic; started (caught up) on first use. */
  public static KafkaRuleLog kafka(Map<String, Object> clientConfig, String topic) {
    String key = clientConfig.get("bootstrap.servers") + "/" + topic;
    return KAFKA.computeIfAbsent(
        key,
        k -> {
          KafkaRuleLog log = new KafkaRuleLog(clientConfig, topic);
          log.start();
          return log;
        });
  }
}
