package io.tally.model.metric;

import java.io.Serializable;
import java.util.List;

/**
 * What windowing and aggregation need to know of a metric. It travels with every matched event, so
 * that windows come from the definition the event matched, never from the pipeline's graph:
 * definitions may change while the pipeline runs.
 */
public record MetricSpec(
    String metric,
    long version,
    AggregateFunction fn,
    int k,
    long sizeMillis,
    long slideMillis,
    long allowedLatenessMillis,
    List<String> groupBy)
    implements Serializable {

  public MetricSpec {
    groupBy = List.copyOf(groupBy);
  }

  public WindowSpec window() {
    return new WindowSpec(sizeMillis, slideMillis);
  }

  /** How long de-duplication must remember this metric's events: see {@link DedupHorizon}. */
  public long dedupHorizonNeededMillis() {
    return DedupHorizon.neededMillis(sizeMillis, allowedLatenessMillis);
  }
}
