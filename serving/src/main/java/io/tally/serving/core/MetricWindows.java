package io.tally.serving.core;

import io.tally.metric.MetricDefinition;
import io.tally.update.WindowUpdate;
import java.util.List;

/**
 * The answer to a window query: the definition in force and the matching windows, sorted by
 * start, then group values, then definition version. Windows of older versions of the metric are
 * included; each carries its own version.
 */
public record MetricWindows(MetricDefinition definition, List<WindowUpdate> windows) {
  public MetricWindows {
    windows = List.copyOf(windows);
  }
}
