package io.tally.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The query service on an in-memory hot store that counts its reads and can hold them: identical
 * concurrent queries read the store once, answers are reused within the time to live and not after
 * it, and failures are shared but never kept.
 */
class CoalescingWindowQueriesTest {
  private static final long T0 = 1_795_813_200_000L; // 2026-11-27T21:00:00Z
  private static final long MINUTE = 60_000;
  private static final Map<String, List<String>> QUERY =
      Map.of("from", List.of(Long.toString(T0)), "to", List.of(Long.toString(T0 + MINUTE)));

  private final CountingHotStore store = new CountingHotStore(new InMemoryHotStore());
  private final WindowQueryService service =
      new WindowQueryService(
          MetricCatalogSource.fixed(MetricCatalog.defaults()),
          store,
          Duration.ofDays(31).toMillis());

  @Test
  void identicalConcurrentQueriesAreComputedOnce() throws Exception {
    store.apply(count(T0, 5));
    CoalescingWindowQueries queries =
        new CoalescingWindowQueries(service, Duration.ofMinutes(1), 100);
    store.hold();

    int callers = 16;
    List<FutureTask<MetricWindows>> answers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch calling = new CountDownLatch(callers);
    for (int i = 0; i < callers; i++) {
      FutureTask<MetricWindows> answer =
          new FutureTask<>(
              () -> {
                calling.countDown();
                return queries.windows("events_by_category", QUERY);
              });
      Thread thread = new Thread(answer, "caller-" + i);
      thread.setDaemon(true);
      answers.add(answer);
      threads.add(thread);
      thread.start();
    }
    // Every caller is inside before the computation may finish: each has called, and each is
    // parked, which past that point it can only be in there (one at the held store read, the
    // others waiting for its answer). Released earlier, a late caller could find the answer cached
    // and the test would not show that concurrent callers share one computation.
    try {
      assertThat(calling.await(60, TimeUnit.SECONDS)).isTrue();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
      assertThat(store.reads).hasValue(1);
    } finally {
      store.release(); // never leaves a caller held, whatever failed
    }

    for (FutureTask<MetricWindows> answer : answers) {
      assertThat(answer.get(60, TimeUnit.SECONDS).windows())
          .extracting(WindowUpdate::events)
          .containsExactly(5L);
    }
    assertThat(store.reads).hasValue(1);
  }

  @Test
  void answersAreReusedWithinTheTimeToLiveAndRecomputedAfter() {
    store.apply(count(T0, 5));
    AtomicLong nanos = new AtomicLong();
    CoalescingWindowQueries queries =
        new CoalescingWindowQueries(service, Duration.ofMillis(500), 100, nanos::get);

    assertThat(queries.windows("events_by_category", QUERY).windows().get(0).events()).isEqualTo(5);
    store.apply(count(T0, 8));
    // The same query in another parameter order is the same query.
    Map<String, List<String>> reordered = new LinkedHashMap<>();
    reordered.put("to", QUERY.get("to"));
    reordered.put("from", QUERY.get("from"));
    assertThat(queries.windows("events_by_category", reordered).windows().get(0).events())
        .isEqualTo(5);
    nanos.addAndGet(Duration.ofMillis(499).toNanos());
    assertThat(queries.windows("events_by_category", QUERY).windows().get(0).events()).isEqualTo(5);
    assertThat(store.reads).hasValue(1);

    // Once the entry has expired, the next answer is computed again and has grown.
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(queries.windows("events_by_category", QUERY).windows().get(0).events()).isEqualTo(8);
    assertThat(store.reads).hasValue(2);
  }

  @Test
  void differentQueriesAreNotShared() {
    store.apply(count(T0, 5));
    store.apply(count(T0 + MINUTE, 3));
    CoalescingWindowQueries queries =
        new CoalescingWindowQueries(service, Duration.ofMinutes(1), 100);
    Map<String, List<String>> later =
        Map.of(
            "from",
            List.of(Long.toString(T0 + MINUTE)),
            "to",
            List.of(Long.toString(T0 + 2 * MINUTE)));

    assertThat(queries.windows("events_by_category", QUERY).windows().get(0).events()).isEqualTo(5);
    assertThat(queries.windows("events_by_category", later).windows().get(0).events()).isEqualTo(3);
    assertThat(store.reads).hasValue(2);
  }

  @Test
  void invalidQueriesFailAsBeforeAndAreNotKept() {
    CoalescingWindowQueries queries =
        new CoalescingWindowQueries(service, Duration.ofMinutes(1), 100);
    Map<String, List<String>> backwards =
        Map.of("from", List.of(Long.toString(T0 + MINUTE)), "to", List.of(Long.toString(T0)));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> queries.windows("events_by_category", backwards))
          .isInstanceOf(InvalidQueryException.class)
          .hasMessageStartingWith("'to'");
    }
    assertThatThrownBy(() -> queries.windows("nope", QUERY))
        .isInstanceOf(UnknownMetricException.class);

    // A tier that fails makes a partial answer, which is not kept: the next identical query
    // reads the store again.
    store.failNextRead(new IllegalStateException("store down"));
    assertThat(queries.windows("events_by_category", QUERY).partial()).isTrue();
    int reads = store.reads.get();
    MetricWindows again = queries.windows("events_by_category", QUERY);
    assertThat(again.partial()).isFalse();
    assertThat(again.windows()).isEmpty();
    assertThat(store.reads.get()).isEqualTo(reads + 1);
  }

  private static WindowUpdate count(long start, long events) {
    return new WindowUpdate(
        "events_by_category",
        1,
        AggregateFunction.COUNT,
        List.of("category"),
        List.of("sports/nba"),
        start,
        start + MINUTE,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  /** A real store whose window reads are counted, can be held until released, or fail once. */
  private static final class CountingHotStore implements HotStore {
    private final HotStore store;
    final AtomicInteger reads = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile RuntimeException nextFailure;

    CountingHotStore(HotStore store) {
      this.store = store;
    }

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    void failNextRead(RuntimeException failure) {
      nextFailure = failure;
    }

    @Override
    public boolean apply(WindowUpdate update) {
      return store.apply(update);
    }

    @Override
    public Optional<WindowUpdate> get(WindowKey key) {
      return store.get(key);
    }

    @Override
    public List<WindowUpdate> windows(WindowQuery query) {
      reads.incrementAndGet();
      RuntimeException failure = nextFailure;
      if (failure != null) {
        nextFailure = null;
        throw failure;
      }
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return store.windows(query);
    }

    @Override
    public int evictEndedBefore(long cutoffMillis) {
      return store.evictEndedBefore(cutoffMillis);
    }
  }
}
