package io.tally.serving.query;

import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.tiers.TierRead;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to a window query: the definition in force and the matching windows, sorted by start,
 * then group values, then definition version. Windows of older versions of the metric are included;
 * a window that versions computed together is one window ({@link VersionMerge}), whose versions
 * {@link #versionsOf} gives.
 *
 * @param resolution the windows' resolution: {@link Resolution#MINUTE} is the metric's own
 * @param boundaryMillis the tier boundary ({@link io.tally.tiering.tiers.TieredWindowReader}), or
 *     {@link Long#MIN_VALUE} when there is no history tier
 * @param reads what each tier contributed, or why it could not
 * @param leftOut windows that could not be merged to the resolution, or across versions, and why
 * @param versions the versions of each window merged from more than one
 */
public record MetricWindows(
    MetricDefinition definition,
    List<WindowUpdate> windows,
    Resolution resolution,
    long boundaryMillis,
    List<TierRead> reads,
    List<String> leftOut,
    Map<WindowUpdate, List<Long>> versions) {

  public MetricWindows {
    windows = List.copyOf(windows);
    reads = List.copyOf(reads);
    leftOut = List.copyOf(leftOut);
    versions = new IdentityHashMap<>(versions);
  }

  public MetricWindows(
      MetricDefinition definition,
      List<WindowUpdate> windows,
      Resolution resolution,
      long boundaryMillis,
      List<TierRead> reads,
      List<String> leftOut) {
    this(definition, windows, resolution, boundaryMillis, reads, leftOut, Map.of());
  }

  /** Windows at the metric's own resolution, from one tier that answered in full. */
  public MetricWindows(MetricDefinition definition, List<WindowUpdate> windows) {
    this(definition, windows, Resolution.MINUTE, Long.MIN_VALUE, List.of(), List.of());
  }

  /** The definition versions {@code window} spans: its own, or those it was merged from. */
  public List<Long> versionsOf(WindowUpdate window) {
    List<Long> merged = versions.get(window);
    return merged != null ? merged : List.of(window.version());
  }

  /** True when a tier could not answer or windows were left out: the answer may lack windows. */
  public boolean partial() {
    return !leftOut.isEmpty() || reads.stream().anyMatch(read -> !read.available());
  }
}
