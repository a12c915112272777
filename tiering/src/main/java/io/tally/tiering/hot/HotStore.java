package io.tally.tiering.hot;

import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import java.util.List;
import java.util.Optional;

/**
 * The hot tier: the latest state of recent windows, written by the pipeline and read by serving.
 *
 * <p>Every implementation applies the one rule of {@link WindowUpdate#supersedes}: a stored window
 * is only ever replaced by an update that has folded in more events (or as many, and is final).
 * Writes are therefore idempotent and order-insensitive, and readers never see a value go back.
 */
public interface HotStore {

  /** Stores {@code update} unless what is stored already supersedes it; true when stored. */
  boolean apply(WindowUpdate update);

  Optional<WindowUpdate> get(WindowKey key);

  /** Every stored window of the query's metric (all versions) that matches it, by start time. */
  List<WindowUpdate> windows(WindowQuery query);

  /** Forgets windows that ended before {@code cutoffMillis}; returns how many it dropped. */
  int evictEndedBefore(long cutoffMillis);
}
