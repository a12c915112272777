package io.tally.tiering.hot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryHotStoreTest {
  private static final long MINUTE = 60_000;

  private final InMemoryHotStore store = new InMemoryHotStore();

  /** A count window of metric {@code metric}, grouped by geo and category. */
  private static WindowUpdate update(
      String metric,
      long version,
      String geo,
      String category,
      long start,
      long size,
      long events,
      boolean isFinal) {
    return new WindowUpdate(
        metric,
        version,
        AggregateFunction.COUNT,
        List.of("geo", "category"),
        List.of(geo, category),
        start,
        start + size,
        new MetricValue.Scalar(events),
        events,
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        events,
        null);
  }

  private static WindowUpdate update(String geo, long start, long events, boolean isFinal) {
    return update("views", 1, geo, "movies", start, MINUTE, events, isFinal);
  }

  private static WindowQuery all(String metric) {
    return new WindowQuery(metric, Long.MIN_VALUE, Long.MAX_VALUE, Map.of());
  }

  @Test
  void emptyStore() {
    assertThat(store.get(update("US", 0, 1, false).key())).isEmpty();
    assertThat(store.windows(all("views"))).isEmpty();
    assertThat(store.size()).isZero();
    assertThat(store.evictEndedBefore(Long.MAX_VALUE)).isZero();
  }

  @Test
  void listenersHearEveryStoredUpdateAndNothingElse() {
    List<Long> heard = new ArrayList<>();
    HotStoreListener listener = update -> heard.add(update.events());
    store.addListener(listener);
    store.addListener(
        update -> {
          throw new IllegalStateException("a broken listener");
        });

    assertThat(store.apply(update("US", 0, 5, false))).isTrue();
    assertThat(store.apply(update("US", 0, 3, false))).isFalse(); // stale: not stored, not heard
    assertThat(store.apply(update("US", 0, 8, false))).isTrue();
    store.removeListener(listener);
    assertThat(store.apply(update("US", 0, 9, false))).isTrue();

    assertThat(heard).containsExactly(5L, 8L);
    assertThat(store.get(update("US", 0, 0, false).key())).contains(update("US", 0, 9, false));
  }

  @Test
  void largerEventsReplace() {
    assertThat(store.apply(update("US", 0, 5, false))).isTrue();
    assertThat(store.apply(update("US", 0, 8, false))).isTrue();
    assertThat(store.get(update("US", 0, 0, false).key())).contains(update("US", 0, 8, false));
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void smallerOrEqualEventsDoNotReplace() {
    store.apply(update("US", 0, 8, false));
    assertThat(store.apply(update("US", 0, 5, false))).isFalse();
    assertThat(store.apply(update("US", 0, 8, false))).isFalse();
    assertThat(store.apply(update("US", 0, 7, true))).isFalse();
    assertThat(store.get(update("US", 0, 0, false).key())).contains(update("US", 0, 8, false));
  }

  @Test
  void equalEventsFinalReplacesNonFinal() {
    store.apply(update("US", 0, 8, false));
    assertThat(store.apply(update("US", 0, 8, true))).isTrue();
    assertThat(store.get(update("US", 0, 0, false).key()).orElseThrow().isFinal()).isTrue();
    // and a non-final with as many events does not undo it
    assertThat(store.apply(update("US", 0, 8, false))).isFalse();
    assertThat(store.get(update("US", 0, 0, false).key()).orElseThrow().isFinal()).isTrue();
    assertThat(store.apply(update("US", 0, 8, true))).isFalse();
  }

  @Test
  void rangeQueryIsStartInclusiveEndExclusive() {
    for (long m = 0; m < 10; m++) {
      store.apply(update("US", m * MINUTE, 1, false));
    }
    List<WindowUpdate> windows =
        store.windows(new WindowQuery("views", 2 * MINUTE, 5 * MINUTE, Map.of()));
    assertThat(windows)
        .extracting(WindowUpdate::startMillis)
        .containsExactly(2 * MINUTE, 3 * MINUTE, 4 * MINUTE);
    // a window that started before 'from' but is still open at 'from' is not included
    assertThat(store.windows(new WindowQuery("views", 2 * MINUTE + 1, 3 * MINUTE + 1, Map.of())))
        .extracting(WindowUpdate::startMillis)
        .containsExactly(3 * MINUTE);
    assertThat(store.windows(new WindowQuery("views", 3 * MINUTE, 3 * MINUTE, Map.of()))).isEmpty();
    assertThat(store.windows(new WindowQuery("views", 10 * MINUTE, 20 * MINUTE, Map.of())))
        .isEmpty();
    assertThat(store.windows(all("views"))).hasSize(10);
    assertThat(store.windows(all("clicks"))).isEmpty();
  }

  @Test
  void windowsAreOrderedByStart() {
    List<Long> starts = new ArrayList<>();
    for (long m = 0; m < 50; m++) {
      starts.add(m * MINUTE);
    }
    Collections.shuffle(starts, new Random(1));
    for (long start : starts) {
      store.apply(update("US", start, 1, false));
      store.apply(update("CA", start, 1, false));
    }
    List<Long> read = store.windows(all("views")).stream().map(WindowUpdate::startMillis).toList();
    assertThat(read).hasSize(100).isSorted();
  }

  @Test
  void whereFiltersGroups() {
    store.apply(update("views", 1, "US", "movies", 0, MINUTE, 3, false));
    store.apply(update("views", 1, "US", "sports", 0, MINUTE, 4, false));
    store.apply(update("views", 1, "CA", "movies", 0, MINUTE, 5, false));
    WindowQuery us = new WindowQuery("views", 0, MINUTE, Map.of("geo", "US"));
    assertThat(store.windows(us))
        .extracting(WindowUpdate::events)
        .containsExactlyInAnyOrder(3L, 4L);
    WindowQuery usMovies =
        new WindowQuery("views", 0, MINUTE, Map.of("geo", "US", "category", "movies"));
    assertThat(store.windows(usMovies)).extracting(WindowUpdate::events).containsExactly(3L);
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of("geo", "GB")))).isEmpty();
    // a dimension the metric does not group by matches nothing
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of("type", "x")))).isEmpty();
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of()))).hasSize(3);
  }

  @Test
  void emptyDimensionValueMatchesTheEmptyGroup() {
    store.apply(update("views", 1, "", "movies", 0, MINUTE, 3, false));
    store.apply(update("views", 1, "US", "movies", 0, MINUTE, 4, false));
    assertThat(store.windows(new WindowQuery("views", 0, MINUTE, Map.of("geo", ""))))
        .extracting(WindowUpdate::events)
        .containsExactly(3L);
  }

  @Test
  void metricsAndVersionsAreKeptApart() {
    store.apply(update("views", 1, "US", "movies", 0, MINUTE, 10, false));
    store.apply(update("views", 2, "US", "movies", 0, MINUTE, 3, false));
    store.apply(update("clicks", 1, "US", "movies", 0, MINUTE, 7, false));
    assertThat(store.size()).isEqualTo(3);
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
    // version 2's smaller count does not lose to version 1's larger one
    assertThat(store.apply(update("views", 2, "US", "movies", 0, MINUTE, 4, false))).isTrue();
    // the query returns every version of the metric, and only that metric
    assertThat(store.windows(all("views")))
        .extracting(WindowUpdate::version)
        .containsExactlyInAnyOrder(1L, 2L);
    assertThat(store.windows(all("clicks")))
        .extracting(WindowUpdate::metric)
        .containsExactly("clicks");
  }

  @Test
  void evictEndedBefore() {
    for (long m = 0; m < 10; m++) {
      store.apply(update("US", m * MINUTE, 1, false));
      store.apply(update("CA", m * MINUTE, 1, false));
    }
    // a long window that started early but has not ended
    store.apply(update("views", 2, "US", "movies", 0, 60 * MINUTE, 1, false));
    store.apply(update("clicks", 1, "US", "movies", 2 * MINUTE, MINUTE, 1, false));
    assertThat(store.size()).isEqualTo(22);

    // windows [0,1m) ... [3m,4m) have ended before 4m + 1ms; so has the clicks window [2m,3m)
    int evicted = store.evictEndedBefore(4 * MINUTE + 1);
    assertThat(evicted).isEqualTo(9);
    assertThat(store.size()).isEqualTo(13);
    assertThat(store.windows(all("views")))
        .allSatisfy(w -> assertThat(w.endMillis()).isGreaterThanOrEqualTo(4 * MINUTE + 1));
    assertThat(store.get(new WindowKey("views", 2, List.of("US", "movies"), 0))).isPresent();
    assertThat(store.windows(all("clicks"))).isEmpty();
    assertThat(store.evictEndedBefore(4 * MINUTE + 1)).isZero();

    // evicted windows can be written again (a late update re-creates them)
    assertThat(store.apply(update("US", 0, 1, false))).isTrue();
    assertThat(store.evictEndedBefore(Long.MAX_VALUE)).isEqualTo(14);
    assertThat(store.size()).isZero();
  }

  @Test
  void windowQueryRejectsAnInvertedRange() {
    assertThatThrownBy(() -> new WindowQuery("views", 10, 5, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sharedStoresAreSharedByName() {
    String name = "test-" + System.nanoTime();
    try {
      InMemoryHotStore a = SharedHotStores.named(name);
      assertThat(SharedHotStores.provider(name).open()).isSameAs(a);
      a.apply(update("US", 0, 1, false));
      assertThat(SharedHotStores.named(name).size()).isEqualTo(1);
      assertThat(SharedHotStores.named(name + "-other")).isNotSameAs(a);
    } finally {
      SharedHotStores.remove(name);
      SharedHotStores.remove(name + "-other");
    }
  }

  /**
   * Several writers apply, in shuffled orders, every update of the same windows (events 1..N, some
   * final): each window must end with its largest update, and no reader may ever see a window's
   * events go down.
   */
  @Test
  void concurrentWritersEndWithTheMaximum() throws Exception {
    int windows = 40;
    int maxEvents = 200;
    int writers = 4;
    List<WindowUpdate> all = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      String geo = "G" + (w % 5);
      long start = (w / 5) * MINUTE;
      for (long e = 1; e <= maxEvents; e++) {
        all.add(update(geo, start, e, false));
      }
      all.add(update(geo, start, maxEvents, true));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        List<WindowUpdate> mine = new ArrayList<>(all);
        Collections.shuffle(mine, new Random(t));
        tasks.add(
            () -> {
              go.await();
              int stored = 0;
              for (WindowUpdate u : mine) {
                if (store.apply(u)) {
                  stored++;
                }
              }
              return stored;
            });
      }
      List<Future<Integer>> results = new ArrayList<>();
      for (Callable<Integer> task : tasks) {
        results.add(pool.submit(task));
      }
      // a reader that checks monotonic reads while the writers run
      Future<Integer> reader =
          pool.submit(
              () -> {
                go.await();
                Map<WindowKey, Long> seen = new java.util.HashMap<>();
                int reads = 0;
                while (!results.stream().allMatch(Future::isDone)) {
                  for (WindowUpdate u : store.windows(all("views"))) {
                    Long before = seen.put(u.key(), u.events());
                    if (before != null && u.events() < before) {
                      throw new AssertionError(
                          u.key() + " went from " + before + " to " + u.events());
                    }
                  }
                  reads++;
                }
                return reads;
              });
      go.countDown();
      int stored = 0;
      for (Future<Integer> result : results) {
        stored += result.get(60, TimeUnit.SECONDS);
      }
      reader.get(60, TimeUnit.SECONDS);
      // every window was stored at least once, and at most once per distinct superseding step
      assertThat(stored).isBetween(windows, windows * (maxEvents + 1));
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.size()).isEqualTo(windows);
    for (int w = 0; w < windows; w++) {
      WindowUpdate expected = update("G" + (w % 5), (w / 5) * MINUTE, maxEvents, true);
      assertThat(store.get(expected.key())).contains(expected);
    }
    assertThat(store.windows(all("views")))
        .hasSize(windows)
        .allSatisfy(
            u -> {
              assertThat(u.events()).isEqualTo(maxEvents);
              assertThat(u.isFinal()).isTrue();
            });
  }
}
