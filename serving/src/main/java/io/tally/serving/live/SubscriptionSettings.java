package io.tally.serving.live;

import io.tally.serving.config.SubscriptionsFactory;
import java.time.Duration;

/** How live streams behave; see {@link SubscriptionsFactory} for each setting's meaning. */
public record SubscriptionSettings(
    Duration heartbeat,
    Duration slowClientTimeout,
    Duration closeGrace,
    int maxPendingWindows,
    Duration snapshotHorizon,
    int dispatchThreads,
    int writerThreads) {

  public SubscriptionSettings {
    if (maxPendingWindows < 1 || dispatchThreads < 1 || writerThreads < 1) {
      throw new IllegalArgumentException("buffer sizes and thread counts must be positive");
    }
  }

  long heartbeatNanos() {
    return heartbeat.toNanos();
  }

  long slowClientTimeoutNanos() {
    return slowClientTimeout.toNanos();
  }

  long closeGraceNanos() {
    return closeGrace.toNanos();
  }
}
