package io.tally.tiering.tiers;

import io.tally.model.update.WindowUpdate;
import java.util.List;

/**
 * The answer to a window query over the tiers: the windows, each once at its latest state, and what
 * each tier contributed.
 *
 * @param boundaryMillis the tier boundary: windows that start before it are history's (with any
 *     window the younger tiers still hold), windows that start at or after it are the younger
 *     tiers' alone
 * @param leftOut windows that could not be merged to the asked resolution, with the reason (see
 *     {@link WindowMerge#coarsen}); empty at the metric's own resolution
 */
public record TieredWindows(
    List<WindowUpdate> windows, long boundaryMillis, List<TierRead> reads, List<String> leftOut) {

  public TieredWindows {
    windows = List.copyOf(windows);
    reads = List.copyOf(reads);
    leftOut = List.copyOf(leftOut);
  }

  /** True when a tier that was asked could not answer, or windows were left out. */
  public boolean partial() {
    return !leftOut.isEmpty() || reads.stream().anyMatch(read -> !read.available());
  }
}
