package io.tally.model.update;

import java.util.List;

/** Identifies one window of one group of one metric version. */
public record WindowKey(String metric, long version, List<String> group, long startMillis) {
  public WindowKey {
    group = List.copyOf(group);
  }
}
