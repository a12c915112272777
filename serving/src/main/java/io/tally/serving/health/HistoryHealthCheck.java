package io.tally.serving.health;

import com.codahale.metrics.health.HealthCheck;
import io.tally.tiering.history.HistoryStore;
import java.util.Objects;

/**
 * Healthy when the history tier answers. When it does not, queries still answer from the hot tiers
 * (marked {@code "partial": true}), so this check tells operators why answers lack history.
 */
public class HistoryHealthCheck extends HealthCheck {
  private final HistoryStore store;

  public HistoryHealthCheck(HistoryStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  protected Result check() {
    try {
      store.ping();
      return Result.builder().healthy().withMessage("history tier answers").build();
    } catch (RuntimeException e) {
      return Result.builder()
          .unhealthy()
          .withMessage(
              "history tier unavailable; queries are answered from the hot tiers: "
                  + e.getMessage())
          .build();
    }
  }
}
