package io.tally.pipelines.backfill;

import java.util.List;
import java.util.Map;

/**
 * What a reconciliation found: the JSON document it writes and the basis of its exit code.
 *
 * @param compared windows compared per tier
 * @param drifts every window that differs beyond the tolerance
 * @param repaired windows rewritten by {@code --repair} (0 without it, or in a dry run)
 */
public record DriftReport(
    String from,
    String to,
    List<String> metrics,
    double tolerance,
    long eventsRead,
    long windowsRecomputed,
    Map<String, Long> compared,
    List<Drift> drifts,
    long repaired) {

  public DriftReport {
    metrics = List.copyOf(metrics);
    compared = Map.copyOf(compared);
    drifts = List.copyOf(drifts);
  }

  public boolean hasDrift() {
    return !drifts.isEmpty();
  }
}
