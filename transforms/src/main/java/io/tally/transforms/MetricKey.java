package io.tally.transforms;

import java.util.List;

/** The unit of aggregation state: one group of one version of one metric. */
public record MetricKey(String metric, long version, List<String> group) {
  public MetricKey {
    group = List.copyOf(group);
  }
}
