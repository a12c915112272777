package io.tally.serving.ingest;

import java.util.List;

/**
 * The durable log that accepted events are written to before a request is acknowledged, and the
 * dead-letter topic beside it that refused lines are written to.
 */
public interface EventLog {

  /**
   * Returns once the log has acknowledged every one of {@code events} and every one of {@code
   * deadLetters} (each a dead letter's JSON).
   *
   * @throws LogOverloadedException when the log cannot take more right now
   * @throws LogUnavailableException when it did not acknowledge all of them in time
   */
  void append(List<AcceptedEvent> events, List<byte[]> deadLetters);

  /** Throws when this log cannot take events at all, before the request body is read. */
  default void checkAvailable() {}

  /** The log of a deployment without Kafka (the embedded mode): every write is refused. */
  static EventLog none() {
    return new EventLog() {
      @Override
      public void append(List<AcceptedEvent> events, List<byte[]> deadLetters) {
        throw new IngestDisabledException();
      }

      @Override
      public void checkAvailable() {
        throw new IngestDisabledException();
      }
    };
  }
}
