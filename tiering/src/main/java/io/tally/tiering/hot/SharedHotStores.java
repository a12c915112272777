package io.tally.tiering.hot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory hot stores shared by name within one JVM. The embedded mode runs the pipeline and the
 * query service in one process; the pipeline's workers are handed a provider that finds the
 * service's store by name, since the store itself cannot travel inside a serialized pipeline.
 */
public final class SharedHotStores {
  private static final Map<String, InMemoryHotStore> STORES = new ConcurrentHashMap<>();

  private SharedHotStores() {}

  public static InMemoryHotStore named(String name) {
    return STORES.computeIfAbsent(name, n -> new InMemoryHotStore());
  }

  public static HotStoreProvider provider(String name) {
    return () -> named(name);
  }

  public static void remove(String name) {
    STORES.remove(name);
  }
}
