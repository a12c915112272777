package io.tally.tiering.feed;

import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.HotStore;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies change-feed record values to a hot store, whatever transport brought them. Kept apart
 * from the Kafka consumer so that decoding and the skip rules can be tested without a broker.
 *
 * <p>A record that cannot be decoded is skipped and counted, never fatal: one bad record on a
 * compacted topic would otherwise stop every serving node at the same offset, forever. The store
 * decides whether an update is newer ({@link WindowUpdate#supersedes}), so records may arrive in
 * any order and any number of times.
 */
public final class ChangeFeedApplier {
  /** What became of one record. */
  public enum Outcome {
    /** Stored: the store had nothing for its window, or something older. */
    APPLIED,
    /** Decoded, but the store already held an update with as many or more events. */
    STALE,
    /** A null value (a tombstone): nothing to apply; the evictor forgets old windows. */
    TOMBSTONE,
    /** Not a window update; counted and logged (rate-limited). */
    SKIPPED
  }

  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedApplier.class);
  private static final long LOG_INTERVAL_MILLIS = 10_000;

  private final HotStore store;
  private final String source;
  private final LogThrottle skipLog;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong tombstones = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  /**
   * @param source names the feed in log lines (e.g. the topic)
   */
  public ChangeFeedApplier(HotStore store, String source) {
    this(store, source, System::currentTimeMillis);
  }

  ChangeFeedApplier(HotStore store, String source, LongSupplier clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.source = Objects.requireNonNull(source, "source");
    this.skipLog = new LogThrottle(LOG_INTERVAL_MILLIS, clock);
  }

  /**
   * Applies one record's value.
   *
   * @param where says where the record is (partition and offset) when it has to be logged
   */
  public Outcome apply(byte[] value, String where) {
    if (value == null) {
      tombstones.incrementAndGet();
      return Outcome.TOMBSTONE;
    }
    WindowUpdate update;
    try {
      update = decode(value);
    } catch (RuntimeException e) {
      // Anything the decoder throws (bad JSON, an unknown fn, a malformed time...) means the same.
      skipped.incrementAndGet();
      long suppressed = skipLog.tryAcquire();
      if (suppressed >= 0) {
        LOG.warn(
            "skipped an undecodable record of change feed {} at {}: {}{}",
            source,
            where,
            e.getMessage(),
            suppressed > 0 ? " (and " + suppressed + " more since the last report)" : "");
      }
      return Outcome.SKIPPED;
    }
    if (store.apply(update)) {
      applied.incrementAndGet();
      return Outcome.APPLIED;
    }
    stale.incrementAndGet();
    return Outcome.STALE;
  }

  /** Decodes a record value, or throws when it is not a usable window update. */
  static WindowUpdate decode(byte[] value) {
    WindowUpdate update = WindowUpdateJson.fromBytes(value);
    // fromBytes reads missing fields as empty or zero; an update without them would be stored
    // under a key that no query asks for, or win over real updates of its window.
    if (update.metric().isEmpty()) {
      throw new IllegalArgumentException("no metric");
    }
    if (update.endMillis() <= update.startMillis()) {
      throw new IllegalArgumentException("the window ends before it starts");
    }
    if (update.events() < 0) {
      throw new IllegalArgumentException("negative events");
    }
    return update;
  }

  public long applied() {
    return applied.get();
  }

  public long stale() {
    return stale.get();
  }

  public long tombstones() {
    return tombstones.get();
  }

  public long skipped() {
    return skipped.get();
  }
}
