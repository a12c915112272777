package io.tally.runners.streaming.metrics;

import java.util.Map;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The scope that Flink gives an operator's metrics ({@code taskmanager.job.task.operator}), for
 * counters that a reporter is told of directly rather than registered by an operator. It carries no
 * variables: a job counter is the count of its whole process. Nothing can be registered in it.
 */
final class OperatorScope implements MetricGroup, LogicalScopeProvider {
  static final OperatorScope INSTANCE = new OperatorScope();

  /** Flink's default scope delimiter, which Beam's Flink runner also puts into metric names. */
  static final String DELIMITER = ".";

  private static final String[] COMPONENTS = {"taskmanager", "job", "task", "operator"};

  private OperatorScope() {}

  @Override
  public String getLogicalScope(CharacterFilter filter) {
    return getLogicalScope(filter, DELIMITER.charAt(0));
  }

  @Override
  public String getLogicalScope(CharacterFilter filter, char delimiter) {
    StringBuilder scope = new StringBuilder();
    for (String component : COMPONENTS) {
      if (scope.length() > 0) {
        scope.append(delimiter);
      }
      scope.append(filter.filterCharacters(component));
    }
    return scope.toString();
  }

  @Override
  public MetricGroup getWrappedMetricGroup() {
    return this;
  }

  @Override
  public String[] getScopeComponents() {
    return COMPONENTS.clone();
  }

  @Override
  public Map<String, String> getAllVariables() {
    return Map.of();
  }

  @Override
  public String getMetricIdentifier(String metricName) {
    return String.join(DELIMITER, COMPONENTS) + DELIMITER + metricName;
  }

  @Override
  public String getMetricIdentifier(String metricName, CharacterFilter filter) {
    return getLogicalScope(filter) + DELIMITER + filter.filterCharacters(metricName);
  }

  @Override
  public Counter counter(String name) {
    throw readOnly();
  }

  @Override
  public <C extends Counter> C counter(String name, C counter) {
    throw readOnly();
  }

  @Override
  public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
    throw readOnly();
  }

  @Override
  public <H extends Histogram> H histogram(String name, H histogram) {
    throw readOnly();
  }

  @Override
  public <M extends Meter> M meter(String name, M meter) {
    throw readOnly();
  }

  @Override
  public MetricGroup addGroup(String name) {
    throw readOnly();
  }

  @Override
  public MetricGroup addGroup(String key, String value) {
    throw readOnly();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("job counters are reported, not registered, here");
  }
}
