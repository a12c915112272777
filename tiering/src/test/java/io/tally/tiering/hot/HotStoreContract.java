package io.tally.tiering.hot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HotStore} must do: the monotonic rule of {@link WindowUpdate#supersedes},
 * idempotent and order-insensitive writes, start-inclusive/end-exclusive range reads ordered by
 * start, group filters, and metrics and versions kept apart. Eviction is not part of the contract
 * (a store may evict by TTL instead). Each test gets a fresh, empty store from {@link #newStore}.
 */
public abstract class HotStoreContract {
  protected static final long MINUTE = 60_000;

  protected HotStore store;

  /** A new, empty store; called before each test. */
  protected abstract HotStore newStore() throws Exception;

  /** Releases what {@link #newStore} opened; called after each test. */
  protected void closeStore(HotStore store) throws Exception {}

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void releaseStore() throws Exception {
    if (store != null) {
      closeStore(store);
    }
  }

  protected static WindowUpdate update(
      String metric,
      long version,
      String geo,
      String category,
      long start,
      long events,
      boolean isFinal) {
    return new WindowUpdate(
        metric,
        version,
        AggregateFunction.COUNT,
        List.of("geo", "category"),
        List.of(geo, category),
        start,
        start + MINUTE,
        new MetricValue.Scalar(events),
        events,
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        events,
        null);
  }

  protected static WindowUpdate update(String geo, long start, long events, boolean isFinal) {
    return update("views", 1, geo, "movies", start, events, isFinal);
  }

  private static WindowQuery all(String metric) {
    return new WindowQuery(metric, Long.MIN_VALUE, Long.MAX_VALUE, Map.of());
  }

  private static WindowKey key(String geo, long start) {
    return update(geo, start, 0, false).key();
  }

  @Test
  void emptyStoreHasNothing() {
    assertThat(store.get(key("US", 0))).isEmpty();
    assertThat(store.windows(all("views"))).isEmpty();
  }

  @Test
  void firstWriteIsStoredAndReadBackEqual() {
    WindowUpdate u = update("US", 0, 5, false);
    assertThat(store.apply(u)).isTrue();
    assertThat(store.get(u.key())).contains(u);
    assertThat(store.windows(all("views"))).containsExactly(u);
  }

  @Test
  void largerEventsReplace() {
    assertThat(store.apply(update("US", 0, 5, false))).isTrue();
    assertThat(store.apply(update("US", 0, 8, false))).isTrue();
    assertThat(store.get(key("US", 0))).contains(update("US", 0, 8, false));
  }

  @Test
  void smallerOrEqualEventsDoNotReplace() {
    store.apply(update("US", 0, 8, false));
    assertThat(store.apply(update("US", 0, 5, false))).isFalse();
    assertThat(store.apply(update("US", 0, 8, false))).isFalse();
    assertThat(store.apply(update("US", 0, 7, true))).isFalse();
    assertThat(store.get(key("US", 0))).contains(update("US", 0, 8, false));
  }

  @Test
  void equalEventsFinalReplacesNonFinalOnce() {
    store.apply(update("US", 0, 8, false));
    assertThat(store.apply(update("US", 0, 8, true))).isTrue();
    assertThat(store.apply(update("US", 0, 8, false))).isFalse();
    assertThat(store.apply(update("US", 0, 8, true))).isFalse();
    assertThat(store.get(key("US", 0))).contains(update("US", 0, 8, true));
    // a larger non-final still wins over a final (events only grow; the rule is on events first)
    assertThat(store.apply(update("US", 0, 9, false))).isTrue();
  }

  @Test
  void reapplyingIsIdempotent() {
    WindowUpdate u = update("US", 0, 3, true);
    assertThat(store.apply(u)).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(store.apply(u)).isFalse();
    }
    assertThat(store.windows(all("views"))).containsExactly(u);
  }

  @Test
  void anyOrderEndsWithTheMaximum() {
    List<WindowUpdate> updates = new ArrayList<>();
    for (long e = 1; e <= 20; e++) {
      updates.add(update("US", 0, e, false));
    }
    updates.add(update("US", 0, 20, true));
    Collections.shuffle(updates, new Random(7));
    for (WindowUpdate u : updates) {
      store.apply(u);
    }
    assertThat(store.get(key("US", 0))).contains(update("US", 0, 20, true));
  }

  @Test
  void rangeIsStartInclusiveEndExclusiveAndOrdered() {
    List<Long> minutes = new ArrayList<>();
    for (long m = 0; m < 10; m++) {
      minutes.add(m);
    }
    Collections.shuffle(minutes, new Random(3));
    for (long m : minutes) {
      store.apply(update("US", m * MINUTE, 1, false));
    }
    assertThat(store.windows(new WindowQuery("views", 2 * MINUTE, 5 * MINUTE, Map.of())))
        .extracting(WindowUpdate::startMillis)
        .containsExactly(2 * MINUTE, 3 * MINUTE, 4 * MINUTE);
    assertThat(store.windows(new WindowQuery("views", 2 * MINUTE + 1, 3 * MINUTE + 1, Map.of())))
        .extracting(WindowUpdate::startMillis)
        .containsExactly(3 * MINUTE);
    assertThat(store.windows(new WindowQuery("views", 3 * MINUTE, 3 * MINUTE, Map.of()))).isEmpty();
    assertThat(store.windows(all("views")))
        .extracting(WindowUpdate::startMillis)
        .hasSize(10)
        .isSorted();
  }

  @Test
  void whereFiltersGroups() {
    store.apply(update("views", 1, "US", "movies", 0, 3, false));
    store.apply(update("views", 1, "US", "sports", 0, 4, false));
    store.apply(update("views", 1, "CA", "movies", 0, 5, false));
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of("geo", "US"))))
        .extracting(WindowUpdate::events)
        .containsExactlyInAnyOrder(3L, 4L);
    assertThat(
            store.windows(
                new WindowQuery("views", 0, MINUTE, Map.of("geo", "US", "category", "movies"))))
        .extracting(WindowUpdate::events)
        .containsExactly(3L);
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of("geo", "GB")))).isEmpty();
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of("type", "x")))).isEmpty();
  }

  @Test
  void metricsAndVersionsAreKeptApart() {
    store.apply(update("views", 1, "US", "movies", 0, 10, false));
    store.apply(update("views", 2, "US", "movies", 0, 3, false));
    store.apply(update("clicks", 1, "US", "movies", 0, 7, false));
    assertThat(
            store.get(new WindowKey("views", 1, List.of("US", "movies"), 0)).orElseThrow().events())
        .isEqualTo(10);
    assertThat(
            store.get(new WindowKey("views", 2, List.of("US", "movies"), 0)).orElseThrow().events())
        .isEqualTo(3);
    assertThat(
            store
                .get(new WindowKey("clicks", 1, List.of("US", "movies"), 0))
                .orElseThrow()
                .events())
        .isEqualTo(7);
    assertThat(store.get(new WindowKey("views", 3, List.of("US", "movies"), 0))).isEmpty();
    assertThat(store.apply(update("views", 2, "US", "movies", 0, 4, false))).isTrue();
    assertThat(store.windows(all("views")))
        .extracting(WindowUpdate::version)
        .containsExactlyInAnyOrder(1L, 2L);
    assertThat(store.windows(all("clicks")))
        .extracting(WindowUpdate::metric)
        .containsExactly("clicks");
  }

  @Test
  void rankedValuesSurvive() {
    WindowUpdate topk =
        new WindowUpdate(
            "top",
            1,
            AggregateFunction.TOPK,
            List.of("category"),
            List.of("movies/action"),
            0,
            5 * MINUTE,
            new MetricValue.Ranking(
                List.of(new MetricValue.RankedItem("m1", 9), new MetricValue.RankedItem("m2", 4))),
            13,
            Timing.EARLY,
            false,
            2,
            null);
    assertThat(store.apply(topk)).isTrue();
    assertThat(store.get(topk.key())).contains(topk);
  }
}
