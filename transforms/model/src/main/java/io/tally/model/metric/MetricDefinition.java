package io.tally.model.metric;

import io.tally.model.event.Event;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A metric: which events it counts, how it groups them, what it computes, over which windows
 * (contract §2). {@code version} grows each time a definition under the same name changes, so
 * results made under an older definition stay apart from the newer ones.
 */
public record MetricDefinition(
    String name,
    long version,
    EventFilter filter,
    List<Dimension> groupBy,
    AggregateSpec aggregate,
    WindowSpec window,
    long allowedLatenessMillis)
    implements Serializable {

  public static final int MAX_GROUP_BY = 3;

  public MetricDefinition {
    groupBy = List.copyOf(groupBy);
  }

  public boolean matches(Event event) {
    return filter.matches(event);
  }

  /** The values of the group-by dimensions for an event, in the definition's order. */
  public List<String> groupOf(Event event) {
    if (groupBy.isEmpty()) {
      return List.of();
    }
    List<String> values = new ArrayList<>(groupBy.size());
    for (Dimension dimension : groupBy) {
      values.add(dimension.valueOf(event));
    }
    return values;
  }

  /** The part of the definition that windowing and aggregation need, which travels with data. */
  public MetricSpec spec() {
    return new MetricSpec(
        name,
        version,
        aggregate.fn(),
        aggregate.k(),
        window.sizeMillis(),
        window.slideMillis(),
        allowedLatenessMillis,
        groupBy.stream().map(Dimension::name).toList());
  }

  /** How long de-duplication must remember this metric's events: see {@link DedupHorizon}. */
  public long dedupHorizonNeededMillis() {
    return DedupHorizon.neededMillis(window.sizeMillis(), allowedLatenessMillis);
  }

  public MetricDefinition withVersion(long newVersion) {
    return new MetricDefinition(
        name, newVersion, filter, groupBy, aggregate, window, allowedLatenessMillis);
  }
}
