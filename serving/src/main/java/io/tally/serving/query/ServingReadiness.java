package io.tally.serving.query;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Whether this node's answers can be trusted to show at least what it showed before a restart: with
 * Kafka, once its view has caught up with the change feed (before that, a window could show fewer
 * events than a client already saw); without Kafka, always.
 */
public final class ServingReadiness {
  private volatile BooleanSupplier ready = () -> true;

  /** From now on, ready when {@code condition} says so. */
  public void follow(BooleanSupplier condition) {
    this.ready = Objects.requireNonNull(condition, "condition");
  }

  public boolean ready() {
    return ready.getAsBoolean();
  }

  /**
   * @throws NotReadyException unless ready
   */
  void check() {
    if (!ready()) {
      throw new NotReadyException(
          "This node is still reading the change feed after a start; until it has caught up its"
              + " answers could show fewer events than before. Retry shortly, or ask another"
              + " node.",
          1);
    }
  }
}
