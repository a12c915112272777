package io.tally.serving.query;

import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.tiers.TierRead;
import java.util.List;

/**
 * The answer to a window query: the definition in force and the matching windows, sorted by start,
 * then group values, then definition version. Windows of older versions of the metric are included;
 * each carries its own version.
 *
 * @param resolution the windows' resolution: {@link Resolution#MINUTE} is the metric's own
 * @param boundaryMillis the tier boundary ({@link io.tally.tiering.tiers.TieredWindowReader}), or
 *     {@link Long#MIN_VALUE} when there is no history tier
 * @param reads what each tier contributed, or why it could not
 * @param leftOut windows that could not be merged to the resolution, and why
 */
public record MetricWindows(
    MetricDefinition definition,
    List<WindowUpdate> windows,
    Resolution resolution,
    long boundaryMillis,
    List<TierRead> reads,
    List<String> leftOut) {

  public MetricWindows {
    windows = List.copyOf(windows);
    reads = List.copyOf(reads);
    leftOut = List.copyOf(leftOut);
  }

  /** Windows at the metric's own resolution, from one tier that answered in full. */
  public MetricWindows(MetricDefinition definition, List<WindowUpdate> windows) {
    this(definition, windows, Resolution.MINUTE, Long.MIN_VALUE, List.of(), List.of());
  }

  /** True when a tier could not answer or windows were left out: the answer may lack windows. */
  public boolean partial() {
    return !leftOut.isEmpty() || reads.stream().anyMatch(read -> !read.available());
  }
}
