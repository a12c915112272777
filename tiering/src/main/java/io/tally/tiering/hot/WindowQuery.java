package io.tally.tiering.hot;

import io.tally.model.update.WindowUpdate;
import java.util.List;
import java.util.Map;

/**
 * The windows of a metric that start in {@code [fromMillis, toMillis)}, in the groups whose
 * dimensions have the values given in {@code where} (all groups when it is empty).
 */
public record WindowQuery(
    String metric, long fromMillis, long toMillis, Map<String, String> where) {

  public WindowQuery {
    where = Map.copyOf(where);
    if (toMillis < fromMillis) {
      throw new IllegalArgumentException("'to' must not be before 'from'");
    }
  }

  public boolean matches(WindowUpdate window) {
    if (!window.metric().equals(metric)
        || window.startMillis() < fromMillis
        || window.startMillis() >= toMillis) {
      return false;
    }
    if (where.isEmpty()) {
      return true;
    }
    // Runs for every window a range read touches: compares in place, builds no map.
    List<String> dimensions = window.groupBy();
    List<String> values = window.group();
    for (Map.Entry<String, String> condition : where.entrySet()) {
      int i = dimensions.indexOf(condition.getKey());
      if (i < 0 || !condition.getValue().equals(values.get(i))) {
        return false;
      }
    }
    return true;
  }
}
