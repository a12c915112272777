package io.tally.serving.query;

import io.dropwizard.lifecycle.Managed;
import io.tally.tiering.hot.HotStore;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hot store to recent windows: every minute, forgets the windows that ended more than
 * {@code retention} ago (older ones belong to the history tiers).
 */
public final class HotStoreEvictor implements Managed {
  public static final long INTERVAL_MILLIS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(HotStoreEvictor.class);

  private final HotStore store;
  private final long retentionMillis;
  private final Clock clock;
  private ScheduledExecutorService executor;

  public HotStoreEvictor(HotStore store, long retentionMillis, Clock clock) {
    if (retentionMillis < 0) {
      throw new IllegalArgumentException("the hot retention must not be negative");
    }
    this.store = Objects.requireNonNull(store, "store");
    this.retentionMillis = retentionMillis;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "hot-store-evictor");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        this::evictQuietly, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
      executor = null;
    }
  }

  /** Evicts now; returns how many windows were dropped. */
  public int evictOnce() {
    long cutoff = clock.millis() - retentionMillis;
    int evicted = store.evictEndedBefore(cutoff);
    if (evicted > 0) {
      LOG.debug("evicted {} windows that ended before {}", evicted, Timestamps.format(cutoff));
    }
    return evicted;
  }

  private void evictQuietly() {
    try {
      evictOnce();
    } catch (RuntimeException e) {
      // A failed round must not cancel the schedule; the next one tries again.
      LOG.warn("hot store eviction failed", e);
    }
  }
}
