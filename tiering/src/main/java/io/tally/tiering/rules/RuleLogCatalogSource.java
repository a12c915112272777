package io.tally.tiering.rules;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The catalog of a rule log, for pipeline workers: it serializes as the log's address and finds the
 * process's follower of that log ({@link SharedRuleLogs}) when asked. Asking costs a volatile read,
 * so the pipeline can ask for every bundle.
 */
public abstract class RuleLogCatalogSource implements MetricCatalogSource {
  private RuleLogCatalogSource() {}

  /** The in-memory log of this name, shared with the service in the same process. */
  public static MetricCatalogSource inMemory(String name) {
    return new InMemory(name);
  }

  /** The Kafka topic {@code topic}; {@code clientConfig} needs at least bootstrap.servers. */
  public static MetricCatalogSource kafka(Map<String, Object> clientConfig, String topic) {
    return new Kafka(new HashMap<>(clientConfig), topic);
  }

  private static final class InMemory extends RuleLogCatalogSource {
    private final String name;

    InMemory(String name) {
      this.name = name;
    }

    @Override
    public MetricCatalog current() {
      return SharedRuleLogs.named(name).catalog();
    }
  }

  private static final class Kafka extends RuleLogCatalogSource {
    private final HashMap<String, Object> clientConfig;
    private final String topic;

    Kafka(HashMap<String, Object> clientConfig, String topic) {
      this.clientConfig = clientConfig;
      this.topic = topic;
    }

    @Override
    public MetricCatalog current() {
      return SharedRuleLogs.kafka(clientConfig, topic).catalog();
    }
  }
}
