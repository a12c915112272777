package io.tally.tiering.hot;

import io.tally.update.WindowUpdate;
import java.util.Map;

/**
 * The windows of a metric that start in {@code [fromMillis, toMillis)}, in the groups whose
 * dimensions have the values given in {@code where} (all groups when it is empty).
 */
public record WindowQuery(String metric, long fromMillis, long toMillis, Map<String, String> where) {

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
    Map<String, String> group = window.groupMap();
    for (Map.Entry<String, String> condition : where.entrySet()) {
      if (!condition.getValue().equals(group.get(condition.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
