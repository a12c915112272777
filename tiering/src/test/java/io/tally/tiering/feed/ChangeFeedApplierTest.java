package io.tally.tiering.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.feed.ChangeFeedApplier.Outcome;
import io.tally.tiering.hot.InMemoryHotStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeFeedApplierTest {
  private static final long T0 = 1_795_813_200_000L;

  private final InMemoryHotStore store = new InMemoryHotStore();
  private final AtomicLong clock = new AtomicLong(T0);
  private final ChangeFeedApplier applier = new ChangeFeedApplier(store, "test", clock::get);

  @Test
  void appliesWhatThePipelineWrites() {
    WindowUpdate topk =
        new WindowUpdate(
            "top",
            3,
            AggregateFunction.TOPK,
            List.of("geo"),
            List.of("US"),
            T0,
            T0 + 60_000,
            new MetricValue.Ranking(List.of(new MetricValue.RankedItem("m-1", 5))),
            5,
            Timing.ON_TIME,
            true,
            2,
            null);

    assertThat(applier.apply(WindowUpdateJson.toBytes(topk), "0@0")).isEqualTo(Outcome.APPLIED);

    WindowUpdate stored = store.get(topk.key()).orElseThrow();
    assertThat(stored.events()).isEqualTo(5);
    assertThat(stored.value()).isEqualTo(topk.value());
    assertThat(stored.isFinal()).isTrue();
    assertThat(stored.groupMap()).containsEntry("geo", "US");
    assertThat(applier.applied()).isEqualTo(1);
  }

  @Test
  void aSmallerEventsCountAfterALargerOneIsStale() {
    assertThat(applier.apply(bytes(count(8)), "0@0")).isEqualTo(Outcome.APPLIED);
    assertThat(applier.apply(bytes(count(5)), "0@1")).isEqualTo(Outcome.STALE);
    assertThat(applier.apply(bytes(count(8)), "0@2")).isEqualTo(Outcome.STALE);
    assertThat(applier.apply(bytes(count(9)), "0@3")).isEqualTo(Outcome.APPLIED);

    assertThat(store.get(new WindowKey("m", 1, List.of(), T0)).orElseThrow().events()).isEqualTo(9);
    assertThat(applier.applied()).isEqualTo(2);
    assertThat(applier.stale()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[1,2,3]",
        "{}",
        "{\"metric\":\"m\",\"fn\":\"median\",\"start\":\"2026-11-27T21:00:00Z\",\"end\":\"2026-11-27T21:01:00Z\",\"timing\":\"early\"}",
        "{\"metric\":\"m\",\"fn\":\"count\",\"start\":\"yesterday\",\"end\":\"2026-11-27T21:01:00Z\",\"timing\":\"early\"}",
        "{\"metric\":\"m\",\"fn\":\"count\",\"start\":\"2026-11-27T21:00:00Z\",\"end\":\"2026-11-27T21:01:00Z\",\"timing\":\"soon\"}",
        "{\"metric\":\"\",\"fn\":\"count\",\"start\":\"2026-11-27T21:00:00Z\",\"end\":\"2026-11-27T21:01:00Z\",\"timing\":\"early\"}",
        "{\"metric\":\"m\",\"fn\":\"count\",\"start\":\"2026-11-27T21:01:00Z\",\"end\":\"2026-11-27T21:00:00Z\",\"timing\":\"early\"}",
      })
  void undecodableRecordsAreSkippedAndCounted(String value) {
    assertThat(applier.apply(value.getBytes(StandardCharsets.UTF_8), "1@7"))
        .isEqualTo(Outcome.SKIPPED);
    assertThat(applier.skipped()).isEqualTo(1);
    assertThat(applier.applied()).isZero();
    assertThat(store.size()).isZero();

    // The reader goes on with the next record.
    assertThat(applier.apply(bytes(count(1)), "1@8")).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void tombstonesAreCountedAndChangeNothing() {
    applier.apply(bytes(count(4)), "0@0");
    assertThat(applier.apply(null, "0@1")).isEqualTo(Outcome.TOMBSTONE);
    assertThat(applier.tombstones()).isEqualTo(1);
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void manyBadRecordsInARowAreAllCounted() {
    for (int i = 0; i < 1000; i++) {
      applier.apply(new byte[] {'x'}, "0@" + i);
    }
    assertThat(applier.skipped()).isEqualTo(1000);
  }

  private static WindowUpdate count(long events) {
    return new WindowUpdate(
        "m",
        1,
        AggregateFunction.COUNT,
        List.of(),
        List.of(),
        T0,
        T0 + 60_000,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  private static byte[] bytes(WindowUpdate update) {
    return WindowUpdateJson.toBytes(update);
  }
}
