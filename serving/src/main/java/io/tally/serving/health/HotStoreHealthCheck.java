package io.tally.serving.health;

import com.codahale.metrics.health.HealthCheck;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import java.util.Map;
import java.util.Objects;

/** Healthy when the hot store answers a (tiny) range read. */
public class HotStoreHealthCheck extends HealthCheck {
  private static final WindowQuery PROBE = new WindowQuery("__health__", 0, 1, Map.of());

  private final HotStore store;

  public HotStoreHealthCheck(HotStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  protected Result check() {
    store.windows(PROBE);
    if (store instanceof InMemoryHotStore memory) {
      return Result.builder()
          .healthy()
          .withMessage("in memory")
          .withDetail("windows", memory.size())
          .build();
    }
    return Result.healthy();
  }
}
