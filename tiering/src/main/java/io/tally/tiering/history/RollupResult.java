package io.tally.tiering.history;

import java.util.Map;

/**
 * What a rollup wrote, and which metric versions it left out and why (keyed {@code metric vN}):
 * windows whose size does not divide the coarser resolution, hopping windows that do not tile, and
 * windows stored without a known slide.
 */
public record RollupResult(int hourRows, int dayRows, Map<String, String> skipped) {
  public RollupResult {
    skipped = Map.copyOf(skipped);
  }
}
