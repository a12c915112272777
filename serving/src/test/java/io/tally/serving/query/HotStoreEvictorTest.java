package io.tally.serving.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.InMemoryHotStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class HotStoreEvictorTest {
  private static final long HOUR = 3_600_000;

  @Test
  void evictsWindowsThatEndedMoreThanTheRetentionAgo() throws Exception {
    long now = Instant.parse("2026-11-27T21:00:00Z").toEpochMilli();
    InMemoryHotStore store = new InMemoryHotStore();
    store.apply(window(now - 3 * HOUR, now - 3 * HOUR + 60_000)); // ended 3h ago: goes
    store.apply(window(now - 2 * HOUR - 60_000, now - 2 * HOUR + 1)); // ended just inside 2h
    store.apply(window(now - 60_000, now)); // recent
    HotStoreEvictor evictor =
        new HotStoreEvictor(
            store, 2 * HOUR, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));

    assertThat(evictor.evictOnce()).isEqualTo(1);
    assertThat(store.size()).isEqualTo(2);
    assertThat(evictor.evictOnce()).isZero();

    evictor.start();
    evictor.stop();
  }

  private static WindowUpdate window(long start, long end) {
    return new WindowUpdate(
        "m",
        1,
        AggregateFunction.COUNT,
        List.of(),
        List.of(),
        start,
        end,
        new MetricValue.Scalar(1),
        1,
        Timing.EARLY,
        false,
        0,
        null);
  }
}
