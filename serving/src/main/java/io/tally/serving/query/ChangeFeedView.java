package io.tally.serving.query;

import io.dropwizard.lifecycle.Managed;
import io.tally.tiering.feed.KafkaChangeFeedReader;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving view's lifecycle: reads the change feed into the hot store from start to stop.
 *
 * <p>Start waits (up to {@code catchUpTimeout}) until the view has caught up with the feed.
 * Dropwizard starts managed objects before it opens its connectors, so a restarted node does not
 * answer queries from a half-rebuilt view, which could show fewer events than it showed before the
 * restart. A feed that cannot be read in time does not keep the service down: it starts, and the
 * {@code change-feed} health check reports the lag until the view has caught up.
 */
public final class ChangeFeedView implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedView.class);

  private final KafkaChangeFeedReader reader;
  private final Duration catchUpTimeout;

  public ChangeFeedView(KafkaChangeFeedReader reader, Duration catchUpTimeout) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.catchUpTimeout = Objects.requireNonNull(catchUpTimeout, "catchUpTimeout");
  }

  @Override
  public void start() throws InterruptedException {
    reader.start();
    if (catchUpTimeout.isZero()) {
      return;
    }
    if (reader.awaitCaughtUp(catchUpTimeout)) {
      LOG.info("serving view rebuilt from change feed {}", reader.topic());
    } else {
      LOG.warn(
          "the serving view has not caught up with change feed {} after {}; starting anyway: {}",
          reader.topic(),
          catchUpTimeout,
          reader.status());
    }
  }

  @Override
  public void stop() throws InterruptedException {
    reader.close();
  }

  public KafkaChangeFeedReader reader() {
    return reader;
  }
}
