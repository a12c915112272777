package io.tally.tiering.history;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the history tier's settled hours (and the days they fall in) up, again and again on a
 * schedule, so that hour and day queries read rolled-up rows instead of merging minutes.
 *
 * <p>An hour is <em>settled</em> once every minute window in it is final and written: its end plus
 * the longest allowed lateness of any metric (after which the pipeline emits no more panes for it)
 * plus a margin for the watermark's lag and the history sink's batching. Each run rolls up the
 * settled hours of the last {@code lookback}, not only the newest one: rollups are idempotent, so
 * going over an hour again costs a little work and catches minute rows that arrived late — a missed
 * run, or rows the history sink buffered while ClickHouse was down and wrote afterwards. An outage
 * longer than the lookback needs one manual {@link HistoryStore#rollUp} over its range.
 */
public final class ScheduledRollups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledRollups.class);
  private static final long HOUR = Resolution.HOUR.sizeMillis();

  private final HistoryStore store;
  private final LongSupplier settleMillis;
  private final long lookbackMillis;
  private final LongSupplier clock;
  private ScheduledExecutorService executor;

  /**
   * @param settleMillis how long after an hour's end it is settled; asked before every run, since
   *     metric definitions (and their allowed lateness) change at run time
   * @param lookback how far back before the newest settled hour each run goes again (whole hours)
   * @param clock epoch milliseconds now
   */
  public ScheduledRollups(
      HistoryStore store, LongSupplier settleMillis, Duration lookback, LongSupplier clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.settleMillis = Objects.requireNonNull(settleMillis, "settleMillis");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (lookback.isNegative() || lookback.isZero()) {
      throw new IllegalArgumentException("the rollup lookback must be positive");
    }
    this.lookbackMillis = ceilHour(lookback.toMillis());
  }

  /** The hours {@code [from, to)} that a run at {@code nowMillis} rolls up. */
  public Span span(long nowMillis) {
    long to = Math.floorDiv(nowMillis - settleMillis.getAsLong(), HOUR) * HOUR;
    return new Span(to - lookbackMillis, to);
  }

  /** One run: rolls up {@link #span} of now. */
  public RollupResult runOnce() {
    Span span = span(clock.getAsLong());
    RollupResult result = store.rollUp(span.fromMillis(), span.toMillis());
    if (!result.skipped().isEmpty()) {
      LOG.debug("Rollup of {} left out {}", span, result.skipped());
    }
    return result;
  }

  /** Runs every {@code every} on a thread of its own, the first run at once. */
  public synchronized void start(Duration every) {
    if (executor != null) {
      throw new IllegalStateException("already started");
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "history-rollups");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::runLogged, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runLogged() {
    try {
      RollupResult result = runOnce();
      LOG.info("Rolled up {} hour and {} day rows", result.hourRows(), result.dayRows());
    } catch (HistoryStoreException e) {
      // ClickHouse is down: the next run (which goes over the same hours again) catches up.
      LOG.warn("Rollup failed, will run again: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Rollup failed, will run again", e);
    }
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  private static long ceilHour(long millis) {
    return -Math.floorDiv(-millis, HOUR) * HOUR;
  }

  /** A range of epoch milliseconds, {@code [fromMillis, toMillis)}. */
  public record Span(long fromMillis, long toMillis) {}
}
