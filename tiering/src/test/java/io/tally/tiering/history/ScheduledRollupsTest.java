package io.tally.tiering.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.WindowQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScheduledRollupsTest {
  private static final long MINUTE = 60_000;

  private final RecordingStore store = new RecordingStore();

  @Test
  void aRunRollsUpTheSettledHoursOfTheLookback() {
    ScheduledRollups rollups =
        new ScheduledRollups(store, () -> 6 * MINUTE, Duration.ofHours(3), () -> at("10:17"));

    rollups.runOnce();

    // 10:17 minus 6 minutes is 10:11: the 10:00 hour has not settled, 09:00 has.
    assertThat(store.rollUps).containsExactly(new ScheduledRollups.Span(at("07:00"), at("10:00")));
  }

  @Test
  void anHourSettlesOnlyOnceItsEndPlusTheSettleTimeHasPassed() {
    ScheduledRollups rollups =
        new ScheduledRollups(store, () -> 6 * MINUTE, Duration.ofHours(1), () -> 0);

    assertThat(rollups.span(at("10:05:59")).toMillis()).isEqualTo(at("09:00"));
    assertThat(rollups.span(at("10:06")).toMillis()).isEqualTo(at("10:00"));
  }

  @Test
  void theSettleTimeIsAskedAgainForEveryRun() {
    AtomicLong settle = new AtomicLong(6 * MINUTE);
    ScheduledRollups rollups =
        new ScheduledRollups(store, settle::get, Duration.ofHours(1), () -> 0);
    assertThat(rollups.span(at("10:30")).toMillis()).isEqualTo(at("10:00"));

    // A metric with an hour of allowed lateness was defined since.
    settle.set(66 * MINUTE);
    assertThat(rollups.span(at("10:30")).toMillis()).isEqualTo(at("09:00"));
  }

  @Test
  void theLookbackCoversWholeHours() {
    ScheduledRollups rollups =
        new ScheduledRollups(store, () -> 0, Duration.ofMinutes(90), () -> 0);

    assertThat(rollups.span(at("10:00")))
        .isEqualTo(new ScheduledRollups.Span(at("08:00"), at("10:00")));
    assertThatThrownBy(() -> new ScheduledRollups(store, () -> 0, Duration.ZERO, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scheduledRunsGoOnAfterAFailure() {
    store.failFirst = 2;
    try (ScheduledRollups rollups =
        new ScheduledRollups(store, () -> 0, Duration.ofHours(1), () -> at("10:00"))) {
      rollups.start(Duration.ofMillis(5));

      await().atMost(Duration.ofSeconds(10)).until(() -> store.rollUps.size() >= 3);
    }
    assertThat(store.rollUps)
        .allMatch(span -> span.equals(new ScheduledRollups.Span(at("09:00"), at("10:00"))));
  }

  private static long at(String time) {
    String full = time.length() == 5 ? time + ":00" : time;
    return Instant.parse("2026-11-27T" + full + "Z").toEpochMilli();
  }

  /**
   * Records the rollups asked of it; the first {@code failFirst} fail as if ClickHouse were down.
   */
  private static final class RecordingStore implements HistoryStore {
    final List<ScheduledRollups.Span> rollUps = new CopyOnWriteArrayList<>();
    volatile int failFirst;

    @Override
    public RollupResult rollUp(long fromMillis, long toMillis) {
      rollUps.add(new ScheduledRollups.Span(fromMillis, toMillis));
      if (failFirst > 0) {
        failFirst--;
        throw new HistoryStoreException("connection refused", null);
      }
      return new RollupResult(0, 0, Map.of());
    }

    @Override
    public void ping() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void createSchema() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void write(List<WindowUpdate> finalUpdates) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<WindowUpdate> windows(Resolution resolution, WindowQuery query) {
      throw new UnsupportedOperationException();
    }
  }
}
