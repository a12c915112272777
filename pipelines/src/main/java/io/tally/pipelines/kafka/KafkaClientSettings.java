package io.tally.pipelines.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings every Kafka client of the pipeline starts from: the bootstrap servers and {@code
 * --kafkaProperties} (security, SASL, TLS ...), so that a cluster that requires them is reached by
 * the event reader, the change-feed and dead-letter writers, the rule-log follower and the topic
 * admin alike. Each client adds its own settings on top.
 */
public final class KafkaClientSettings {
  private KafkaClientSettings() {}

  /** {@code --kafkaProperties} as a map, in order; a malformed pair is refused. */
  public static Map<String, Object> properties(KafkaOptions options) {
    Map<String, Object> properties = new LinkedHashMap<>();
    String list = options.getKafkaProperties();
    if (list == null || list.isBlank()) {
      return properties;
    }
    for (String pair : list.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--kafkaProperties: '" + pair + "' is not key=value (pairs are separated by commas)");
      }
      properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return properties;
  }

  /** The bootstrap servers and {@code --kafkaProperties}: what every client starts from. */
  public static Map<String, Object> client(KafkaOptions options) {
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("bootstrap.servers", options.getBootstrapServers());
    client.putAll(properties(options));
    return client;
  }

  /** {@link #properties} with {@code own} on top: a client's own settings win. */
  public static Map<String, Object> with(KafkaOptions options, Map<String, ?> own) {
    Map<String, Object> merged = properties(options);
    merged.putAll(own);
    return merged;
  }
}
