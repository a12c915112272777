package io.tally.tiering.history;

import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.WindowQuery;
import java.util.List;

/**
 * The history tier: final windows, kept at {@link Resolution#MINUTE} as the pipeline computed them
 * and rolled up to {@link Resolution#HOUR} and {@link Resolution#DAY}.
 *
 * <p>Writes are idempotent: a window written again (a retried batch, a replayed pipeline, a rollup
 * run again) replaces the stored one rather than adding to it, and of two versions of the same
 * window readers see the one with more events ({@link WindowUpdate#supersedes}), so nothing is ever
 * counted twice and no value goes back.
 */
public interface HistoryStore extends AutoCloseable {

  /**
   * Returns when the store answers a trivial request.
   *
   * @throws HistoryStoreException when it does not
   */
  void ping();

  /** Creates the database and tables unless they exist. */
  void createSchema();

  /**
   * Stores final window updates at {@link Resolution#MINUTE}, in one request.
   *
   * @throws IllegalArgumentException if an update is not final or carries no accumulator
   * @throws HistoryStoreException if the server cannot be reached or refuses the batch
   */
  void write(List<WindowUpdate> finalUpdates);

  /**
   * The stored windows of the query's metric (all versions) at one resolution whose start is in
   * {@code [from, to)} and whose group matches, by start time then group. Every window appears
   * once, at its latest state; each carries its accumulator, so callers can merge further.
   */
  List<WindowUpdate> windows(Resolution resolution, WindowQuery query);

  /**
   * Rolls minutes up into hours, then hours (and minute windows that do not fit an hour) into days,
   * for the coarse windows that start in {@code [from, to)} after rounding {@code from} down and
   * {@code to} up to whole hours (days). Idempotent: running it again rewrites the same rows, or
   * rows with more events if more fine windows have arrived since.
   */
  RollupResult rollUp(long fromMillis, long toMillis);

  /** Releases the connections kept for the next request; the default holds none. */
  @Override
  default void close() {}
}
