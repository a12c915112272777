package io.tally.serving.health;

import com.codahale.metrics.health.HealthCheck;
import io.tally.tiering.feed.ChangeFeedStatus;
import io.tally.tiering.feed.KafkaChangeFeedReader;
import java.util.Objects;

/**
 * Healthy once the serving view has caught up with the change feed (until then it may show fewer
 * events than the pipeline has counted) and while the reader runs. Reports the lag and counters.
 */
public class ChangeFeedHealthCheck extends HealthCheck {
  private final KafkaChangeFeedReader reader;

  public ChangeFeedHealthCheck(KafkaChangeFeedReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  @Override
  protected Result check() {
    ChangeFeedStatus status = reader.status();
    ResultBuilder result =
        Result.builder()
            .withDetail("topic", status.topic())
            .withDetail("caughtUp", status.caughtUp())
            .withDetail("partitions", status.partitions())
            .withDetail("lag", status.lag())
            .withDetail("applied", status.applied())
            .withDetail("stale", status.stale())
            .withDetail("skipped", status.skipped());
    if (status.lastError() != null) {
      result.withDetail("lastError", status.lastError());
    }
    if (!status.running()) {
      return result.unhealthy().withMessage("the change feed reader is not running").build();
    }
    if (!status.caughtUp()) {
      return result
          .unhealthy()
          .withMessage(
              "catching up with " + status.topic() + ": " + status.lag() + " records behind")
          .build();
    }
    return result
        .healthy()
        .withMessage("following " + status.topic() + ", " + status.lag() + " records behind")
        .build();
  }
}
