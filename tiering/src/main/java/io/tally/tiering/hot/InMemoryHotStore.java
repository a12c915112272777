package io.tally.tiering.hot;

import io.tally.update.WindowKey;
import io.tally.update.WindowUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The hot tier in this process's memory: windows indexed by metric and start time so that range
 * reads touch only the windows they return. Safe for concurrent writers and readers; each
 * window's replacement is atomic, so the monotonic rule holds under any interleaving.
 */
public final class InMemoryHotStore implements HotStore {

  /** Windows of one metric: start time → window key → latest update. */
  private final Map<String, NavigableMap<Long, Map<WindowKey, WindowUpdate>>> metrics =
      new ConcurrentHashMap<>();

  @Override
  public boolean apply(WindowUpdate update) {
    Map<WindowKey, WindowUpdate> windows =
        metrics
            .computeIfAbsent(update.metric(), m -> new ConcurrentSkipListMap<>())
            .computeIfAbsent(update.startMillis(), s -> new ConcurrentHashMap<>());
    boolean[] stored = {false};
    windows.compute(
        update.key(),
        (key, current) -> {
          if (current == null || update.supersedes(current)) {
            stored[0] = true;
            return update;
          }
          return current;
        });
    return stored[0];
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
      for (Map<WindowKey, WindowUpdate> windows : byStart.headMap(cutoffMillis, false).values()) {
        Collection<WindowUpdate> values = windows.values();
        int before = values.size();
        values.removeIf(w -> w.endMillis() < cutoffMillis);
        evicted += before - values.size();
      }
      byStart.headMap(cutoffMillis, false).values().removeIf(Map::isEmpty);
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
