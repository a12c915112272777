package io.tally.tiering.hot;

import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot tier in this process's memory: windows indexed by metric and start time so that range
 * reads touch only the windows they return. Safe for concurrent writers and readers; each window's
 * replacement is atomic, so the monotonic rule holds under any interleaving.
 *
 * <p>{@link HotStoreListener}s hear of every stored update.
 */
public final class InMemoryHotStore implements HotStore {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryHotStore.class);

  private final List<HotStoreListener> listeners = new CopyOnWriteArrayList<>();

  /** Windows of one metric: start time → window key → latest update. */
  private final Map<String, NavigableMap<Long, Map<WindowKey, WindowUpdate>>> metrics =
      new ConcurrentHashMap<>();

  @Override
  public boolean apply(WindowUpdate update) {
    boolean[] stored = {false};
    // All within compute on the start time, so that eviction cannot drop the map in between.
    metrics
        .computeIfAbsent(update.metric(), m -> new ConcurrentSkipListMap<>())
        .compute(
            update.startMillis(),
            (start, windows) -> {
              Map<WindowKey, WindowUpdate> atStart =
                  windows != null ? windows : new ConcurrentHashMap<>();
              atStart.compute(
                  update.key(),
                  (key, current) -> {
                    if (current == null || update.supersedes(current)) {
                      stored[0] = true;
                      return update;
                    }
                    return current;
                  });
              return atStart;
            });
    if (stored[0]) {
      for (HotStoreListener listener : listeners) {
        try {
          listener.stored(update);
        } catch (RuntimeException e) {
          // A listener's failure must never fail the writer (the pipeline would retry forever).
          LOG.warn("a hot-store listener failed on {}", update.key(), e);
        }
      }
    }
    return stored[0];
  }

  public void addListener(HotStoreListener listener) {
    listeners.add(listener);
  }

  public void removeListener(HotStoreListener listener) {
    listeners.remove(listener);
  }

  @Override
  public Optional<WindowUpdate> get(WindowKey key) {
    NavigableMap<Long, Map<WindowKey, WindowUpdate>> byStart = metrics.get(key.metric());
    if (byStart == null) {
      return Optional.empty();
    }
    Map<WindowKey, WindowUpdate> windows = byStart.get(key.startMillis());
    return windows == null ? Optional.empty() : Optional.ofNullable(windows.get(key));
  }

  @Override
  public List<WindowUpdate> windows(WindowQuery query) {
    NavigableMap<Long, Map<WindowKey, WindowUpdate>> byStart = metrics.get(query.metric());
    if (byStart == null) {
      return List.of();
    }
    List<WindowUpdate> result = new ArrayList<>();
    for (Map<WindowKey, WindowUpdate> windows :
        byStart.subMap(query.fromMillis(), true, query.toMillis(), false).values()) {
      for (WindowUpdate window : windows.values()) {
        if (query.matches(window)) {
          result.add(window);
        }
      }
    }
    return result;
  }

  @Override
  public int evictEndedBefore(long cutoffMillis) {
    int evicted = 0;
    for (NavigableMap<Long, Map<WindowKey, WindowUpdate>> byStart : metrics.values()) {
      // Windows that start at or after the cutoff cannot have ended before it.
      for (Long start : byStart.headMap(cutoffMillis, false).keySet()) {
        int[] removed = {0};
        byStart.computeIfPresent(
            start,
            (s, windows) -> {
              int before = windows.size();
              windows.values().removeIf(w -> w.endMillis() < cutoffMillis);
              removed[0] = before - windows.size();
              return windows.isEmpty() ? null : windows;
            });
        evicted += removed[0];
      }
    }
    return evicted;
  }

  /** How many windows the store holds; for health checks and metrics. */
  public int size() {
    int size = 0;
    for (NavigableMap<Long, Map<WindowKey, WindowUpdate>> byStart : metrics.values()) {
      for (Map<WindowKey, WindowUpdate> windows : byStart.values()) {
        size += windows.size();
      }
    }
    return size;
  }
}
