package io.tally.model.metric;

import java.io.Serializable;
import java.util.Objects;

/**
 * One version of a metric in its history of changes. It is in force for the events whose event time
 * is at or after {@code activeFromMillis}, until the next version's activation: so which version
 * counts an event depends on the event alone, never on when the pipeline learnt of the change, and
 * a replay of the same events gives the same results.
 *
 * @param definition what the version computes; null when this version deletes the metric
 */
public record MetricVersion(
    String name, long version, long activeFromMillis, MetricDefinition definition)
    implements Serializable {

  /** In force for every event, however old: definitions a pipeline starts with. */
  public static final long ALWAYS = Long.MIN_VALUE;

  public MetricVersion {
    Objects.requireNonNull(name, "name");
    if (version < 1) {
      throw new IllegalArgumentException("a version is a positive integer");
    }
    if (definition != null
        && (!definition.name().equals(name) || definition.version() != version)) {
      throw new IllegalArgumentException(
          "version "
              + version
              + " of "
              + name
              + " holds the definition of "
              + definition.name()
              + " version "
              + definition.version());
    }
  }

  public static MetricVersion of(MetricDefinition definition, long activeFromMillis) {
    return new MetricVersion(definition.name(), definition.version(), activeFromMillis, definition);
  }

  public static MetricVersion deletion(String name, long version, long activeFromMillis) {
    return new MetricVersion(name, version, activeFromMillis, null);
  }

  public boolean isDeletion() {
    return definition == null;
  }
}
