package io.tally.model.update;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One versioned aggregate update: the state of a metric for one group and window after some events.
 * {@code events} only grows from one update of a window to the next, so every store and reader
 * keeps the update with the larger {@code events} ({@link #supersedes}); replays, retries and
 * duplicate panes can then never make a value go backwards.
 *
 * @param groupBy the dimension names of the metric, in order
 * @param group the values of those dimensions for this group
 * @param startMillis inclusive window start, epoch milliseconds
 * @param endMillis exclusive window end
 * @param isFinal true once the watermark has passed the window's end plus allowed lateness: no
 *     later update of this window will follow
 * @param accumulator the mergeable state behind {@code value}; only on final updates (history tiers
 *     roll it up), null otherwise
 */
public record WindowUpdate(
    String metric,
    long version,
    AggregateFunction fn,
    List<String> groupBy,
    List<String> group,
    long startMillis,
    long endMillis,
    MetricValue value,
    long events,
    Timing timing,
    boolean isFinal,
    long paneIndex,
    Accumulator accumulator)
    implements Serializable {

  public WindowUpdate {
    groupBy = List.copyOf(groupBy);
    group = List.copyOf(group);
    if (groupBy.size() != group.size()) {
      throw new IllegalArgumentException("group values do not match the group-by dimensions");
    }
  }

  public WindowKey key() {
    return new WindowKey(metric, version, group, startMillis);
  }

  /** The group as dimension → value, in the metric's order. */
  public Map<String, String> groupMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < groupBy.size(); i++) {
      map.put(groupBy.get(i), group.get(i));
    }
    return map;
  }

  /**
   * Whether this update should replace {@code older} for the same window: it has folded in more
   * events, or as many and it is the final one. The one rule every tier applies.
   */
  public boolean supersedes(WindowUpdate older) {
    return events > older.events || (events == older.events && isFinal && !older.isFinal);
  }
}
