package io.tally.tiering.archive;

import io.tally.model.event.Event;
import java.util.List;

/**
 * The raw event archive: every de-duplicated event the streaming pipeline accepted, kept for
 * replays (backfills and reconciliations), in the canonical JSON of {@link
 * io.tally.model.event.EventJson} so that a replay parses it exactly as the pipeline parsed the
 * original.
 *
 * <p>Appends are idempotent: an event appended again (a retried bundle, a pipeline resumed from a
 * checkpoint) is one event, both because the archive keeps one row per identity and time and
 * because replays de-duplicate again.
 */
public interface EventArchive extends AutoCloseable {

  /** Creates the database and table unless they exist. */
  void createSchema();

  /** Appends events, in one request. */
  void append(List<Event> events);

  /** How many archived rows have an event time in {@code [fromMillis, toMillis)}. */
  long count(long fromMillis, long toMillis);

  /**
   * Hands every archived event with an event time in {@code [fromMillis, toMillis)} to {@code
   * into}, as it streams from the archive (in no particular order), and returns how many.
   */
  long read(long fromMillis, long toMillis, ArchivedRecords into);

  /** Where a read delivers archived events. */
  @FunctionalInterface
  interface ArchivedRecords {
    void accept(long timestampMillis, String json);
  }

  /** Releases the connections kept for the next request; the default holds none. */
  @Override
  default void close() {}
}
