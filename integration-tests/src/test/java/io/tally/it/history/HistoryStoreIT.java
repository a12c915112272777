package io.tally.it.history;

import static io.tally.it.history.HistoryEvents.DAY;
import static io.tally.it.history.HistoryEvents.DAY0;
import static io.tally.it.history.HistoryEvents.HOUR;
import static io.tally.it.history.HistoryEvents.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.it.history.HistoryEvents.Event;
import io.tally.it.support.ClickHouseServer;
import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.DistinctAccumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.Definitions;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricSpec;
import io.tally.model.metric.MetricVersion;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.history.RollupResult;
import io.tally.tiering.hot.WindowQuery;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ClickHouse history tier against a real server: writes, idempotence, reads, rollups. */
@ExtendWith(ClickHouseServer.class)
class HistoryStoreIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(HistoryStoreIT.class);
  private static final Map<String, MetricSpec> SPECS = new HashMap<>();

  static {
    for (AggregateFunction fn : AggregateFunction.values()) {
      SPECS.put("m_" + fn.wireName(), HistoryEvents.spec("m_" + fn.wireName(), fn, MINUTE, MINUTE));
    }
    SPECS.put(
        "hopping", HistoryEvents.spec("hopping", AggregateFunction.COUNT, 5 * MINUTE, MINUTE));
    SPECS.put(
        "seven", HistoryEvents.spec("seven", AggregateFunction.COUNT, 7 * MINUTE, 7 * MINUTE));
  }

  private static HistoryStore store;

  @BeforeAll
  static void createSchema() {
    store = new ClickHouseHistoryStore(ClickHouseServer.config(DATABASE), MetricSpecs.of(SPECS));
    store.createSchema();
    store.createSchema(); // idempotent
  }

  private static WindowQuery all(String metric, long from, long to) {
    return new WindowQuery(metric, from, to, Map.of());
  }

  private static Map<List<Object>, WindowUpdate> byWindow(List<WindowUpdate> windows) {
    Map<List<Object>, WindowUpdate> map = new HashMap<>();
    for (WindowUpdate w : windows) {
      assertThat(map.put(List.of(w.group().get(0), w.startMillis()), w))
          .as("one row per window")
          .isNull();
    }
    return map;
  }

  @Test
  void writtenWindowsReadBackWithTheirValuesAndAccumulators() {
    long from = DAY0 + 2 * HOUR;
    List<Event> events = HistoryEvents.events(1, 3000, from, 10 * MINUTE, 500, 50);
    for (AggregateFunction fn : AggregateFunction.values()) {
      MetricSpec spec = SPECS.get("m_" + fn.wireName());
      List<WindowUpdate> written = HistoryEvents.finalUpdates(spec, events);
      store.write(written);

      Map<List<Object>, WindowUpdate> read =
          byWindow(store.windows(Resolution.MINUTE, all(spec.metric(), from, from + HOUR)));
      assertThat(read).hasSize(written.size());
      for (WindowUpdate w : written) {
        WindowUpdate r = read.get(List.of(w.group().get(0), w.startMillis()));
        assertThat(r.key()).isEqualTo(w.key());
        assertThat(r.endMillis()).isEqualTo(w.endMillis());
        assertThat(r.events()).isEqualTo(w.events());
        assertThat(r.value()).as(fn + " value").isEqualTo(w.value());
        assertThat(r.accumulator()).as(fn + " accumulator").isEqualTo(w.accumulator());
        assertThat(r.isFinal()).isTrue();
        assertThat(r.groupBy()).isEqualTo(List.of("geo"));
      }
    }
  }

  @Test
  void writingTheSameBatchAgainDoublesNothing() {
    long from = DAY0 + 4 * HOUR;
    MetricSpec spec = SPECS.get("m_count");
    List<WindowUpdate> batch =
        HistoryEvents.finalUpdates(spec, HistoryEvents.events(2, 500, from, 5 * MINUTE, 10, 10));
    store.write(batch);
    store.write(batch);
    store.write(batch.subList(0, batch.size() / 2)); // a retried partial batch

    List<WindowUpdate> read =
        store.windows(Resolution.MINUTE, all(spec.metric(), from, from + HOUR));
    assertThat(read).hasSize(batch.size());
    assertThat(read.stream().mapToLong(WindowUpdate::events).sum()).isEqualTo(500);

    // Rolling the same hour up twice leaves one hour row per group, with every event once.
    store.rollUp(from, from + HOUR);
    store.rollUp(from, from + HOUR);
    List<WindowUpdate> hours =
        store.windows(Resolution.HOUR, all(spec.metric(), from, from + HOUR));
    assertThat(hours).hasSize(HistoryEvents.GEOS.size());
    assertThat(hours.stream().mapToLong(WindowUpdate::events).sum()).isEqualTo(500);
  }

  @Test
  void aLateRetryOfAnOlderStateNeverReplacesALargerOne() {
    long start = DAY0 + 5 * HOUR;
    MetricSpec spec = SPECS.get("m_sum");
    WindowUpdate larger = sumWindow(spec, start, 5);
    WindowUpdate smaller = sumWindow(spec, start, 3);
    store.write(List.of(larger));
    store.write(List.of(smaller));
    List<WindowUpdate> read =
        store.windows(Resolution.MINUTE, all(spec.metric(), start, start + MINUTE));
    assertThat(read)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.events()).isEqualTo(5);
              assertThat(w.value()).isEqualTo(new MetricValue.Scalar(5));
            });
  }

  private static WindowUpdate sumWindow(MetricSpec spec, long start, int events) {
    Accumulator acc = Accumulator.create(AggregateFunction.SUM);
    for (int i = 0; i < events; i++) {
      acc.add(1, null);
    }
    return new WindowUpdate(
        spec.metric(),
        1,
        spec.fn(),
        spec.groupBy(),
        List.of("US"),
        start,
        start + MINUTE,
        acc.result(spec),
        events,
        Timing.LATE,
        true,
        3,
        acc);
  }

  @Test
  void readsAreFilteredByGroupAndRange() {
    long from = DAY0 + 6 * HOUR;
    MetricSpec spec = SPECS.get("m_count");
    List<Event> events = HistoryEvents.events(3, 600, from, 10 * MINUTE, 10, 10);
    store.write(HistoryEvents.finalUpdates(spec, events));

    List<WindowUpdate> us =
        store.windows(
            Resolution.MINUTE,
            new WindowQuery(spec.metric(), from, from + HOUR, Map.of("geo", "US")));
    assertThat(us).isNotEmpty().allSatisfy(w -> assertThat(w.group()).containsExactly("US"));
    assertThat(us.stream().mapToLong(WindowUpdate::events).sum())
        .isEqualTo(events.stream().filter(e -> e.geo().equals("US")).count());
    assertThat(us).extracting(WindowUpdate::startMillis).isSorted();

    assertThat(
            store.windows(
                Resolution.MINUTE,
                new WindowQuery(spec.metric(), from, from + 3 * MINUTE, Map.of("geo", "US"))))
        .extracting(WindowUpdate::startMillis)
        .containsExactly(from, from + MINUTE, from + 2 * MINUTE);
    assertThat(
            store.windows(
                Resolution.MINUTE,
                new WindowQuery(spec.metric(), from, from + HOUR, Map.of("geo", "XX"))))
        .isEmpty();
    assertThat(
            store.windows(
                Resolution.MINUTE,
                new WindowQuery(spec.metric(), from, from + HOUR, Map.of("category", "US"))))
        .isEmpty();
  }

  @Test
  void anHourIsTheMergeOfItsMinutesAndADayOfItsHours() {
    // Two hours of events; windows at minute resolution go in, hours and a day come out.
    long from = DAY0 + 10 * HOUR;
    List<Event> events = HistoryEvents.events(4, 20_000, from, 2 * HOUR, 3_000, 400);
    for (AggregateFunction fn : AggregateFunction.values()) {
      store.write(HistoryEvents.finalUpdates(SPECS.get("m_" + fn.wireName()), events));
    }
    RollupResult result = store.rollUp(from, from + 2 * HOUR);
    assertThat(result.hourRows()).isEqualTo(5 * 2 * HistoryEvents.GEOS.size());

    for (AggregateFunction fn : AggregateFunction.values()) {
      String metric = "m_" + fn.wireName();
      MetricSpec hourSpec = HistoryEvents.spec(metric, fn, HOUR, HOUR);
      Map<List<Object>, Accumulator> direct = HistoryEvents.accumulate(fn, events, HOUR);
      Map<List<Object>, WindowUpdate> hours =
          byWindow(store.windows(Resolution.HOUR, all(metric, from, from + 2 * HOUR)));
      assertThat(hours.keySet()).isEqualTo(direct.keySet());
      direct.forEach(
          (key, acc) -> {
            WindowUpdate hour = hours.get(key);
            assertThat(hour.endMillis() - hour.startMillis()).isEqualTo(HOUR);
            assertThat(hour.events()).isEqualTo(acc.events());
            assertSameState(fn + " hour " + key, hour.accumulator(), acc);
            assertThat(hour.value()).as(fn + " hour value " + key).isEqualTo(acc.result(hourSpec));
          });
    }

    // The day of those two hours: the same events, folded once more.
    store.rollUp(DAY0, DAY0 + DAY);
    for (AggregateFunction fn : AggregateFunction.values()) {
      String metric = "m_" + fn.wireName();
      Map<List<Object>, Accumulator> direct =
          HistoryEvents.accumulate(fn, events.stream().toList(), DAY);
      Map<List<Object>, WindowUpdate> days =
          byWindow(
              store.windows(Resolution.DAY, new WindowQuery(metric, DAY0, DAY0 + DAY, Map.of())));
      // Other tests write other hours of the same day: compare only what this test wrote.
      direct.forEach(
          (key, acc) -> {
            WindowUpdate day = days.get(key);
            assertThat(day.events()).isGreaterThanOrEqualTo(acc.events());
          });
    }
  }

  /**
   * A rolled-up accumulator shows what the directly accumulated one shows. For distinct counts that
   * is the sketch's composite estimate (equal, as DistinctAccumulator promises); its error bounds
   * may differ, since a union of sketches has no HIP estimate and so bounds differently, which is
   * why this compares the estimate rather than DistinctAccumulator.equals.
   */
  @Test
  void aReplacedVersionsWindowsRollUpWithTheirOwnDefinition() throws Exception {
    // Version 2 changes only the allowed lateness; version 1's windows that close after the
    // change are written while the catalog's latest definition is version 2.
    String v1 = "{name: replaced, groupBy: [geo], aggregate: {fn: count}, window: {size: 1m}}";
    String v2 =
        "{name: replaced, groupBy: [geo], aggregate: {fn: count}, window: {size: 1m},"
            + " allowedLateness: 45s}";
    MetricDefinition first = Definitions.of(v1);
    MetricCatalog catalog =
        MetricCatalog.ofHistories(
            List.of(
                List.of(
                    MetricVersion.of(first, MetricVersion.ALWAYS),
                    MetricVersion.of(Definitions.of(v2).withVersion(2), DAY0 + 20 * HOUR))));
    long from = DAY0 + 14 * HOUR;
    List<Event> events = HistoryEvents.events(9, 5_000, from, HOUR, 100, 10);
    try (HistoryStore writer =
        new ClickHouseHistoryStore(ClickHouseServer.config(DATABASE), MetricSpecs.of(catalog))) {
      writer.write(HistoryEvents.finalUpdates(first.spec(), events));
      writer.rollUp(from, from + HOUR);

      Map<List<Object>, Accumulator> direct =
          HistoryEvents.accumulate(AggregateFunction.COUNT, events, HOUR);
      Map<List<Object>, WindowUpdate> hours =
          byWindow(writer.windows(Resolution.HOUR, all("replaced", from, from + HOUR)));
      assertThat(hours.keySet()).isEqualTo(direct.keySet());
      direct.forEach(
          (key, acc) -> {
            assertThat(hours.get(key).events()).as("hour " + key).isEqualTo(acc.events());
            assertThat(hours.get(key).version()).isEqualTo(1);
          });
    }
  }

  private static void assertSameState(String what, Accumulator rolled, Accumulator direct) {
    if (rolled instanceof DistinctAccumulator r && direct instanceof DistinctAccumulator d) {
      assertThat(r.events()).as(what + " events").isEqualTo(d.events());
      assertThat(r.estimate()).as(what + " estimate").isEqualTo(d.estimate());
    } else {
      assertThat(rolled).as(what).isEqualTo(direct);
    }
  }

  @Test
  void distinctAndTopKRollUpExactlyFromMinutes() {
    long from = DAY0 + 30 * HOUR; // a day of its own
    List<Event> events = HistoryEvents.events(5, 30_000, from, HOUR, 20_000, 2_000);
    for (AggregateFunction fn : List.of(AggregateFunction.DISTINCT, AggregateFunction.TOPK)) {
      String metric = "m_" + fn.wireName();
      store.write(HistoryEvents.finalUpdates(SPECS.get(metric), events));
    }
    store.rollUp(from, from + HOUR);
    for (AggregateFunction fn : List.of(AggregateFunction.DISTINCT, AggregateFunction.TOPK)) {
      String metric = "m_" + fn.wireName();
      Map<List<Object>, Accumulator> directDay = HistoryEvents.accumulate(fn, events, DAY);
      Map<List<Object>, WindowUpdate> days =
          byWindow(store.windows(Resolution.DAY, all(metric, DAY0 + DAY, DAY0 + 2 * DAY)));
      MetricSpec daySpec = HistoryEvents.spec(metric, fn, DAY, DAY);
      directDay.forEach(
          (key, acc) -> {
            assertSameState(fn + " day " + key, days.get(key).accumulator(), acc);
            assertThat(days.get(key).value()).isEqualTo(acc.result(daySpec));
          });
    }
  }

  @Test
  void windowsThatDoNotTileAnHourStayAtMinuteResolution() {
    long from = DAY0 + 40 * HOUR;
    List<Event> events = HistoryEvents.events(6, 300, from, HOUR, 10, 10);
    store.write(HistoryEvents.finalUpdates(SPECS.get("seven"), events));
    // A 5-minute window every minute: the windows at :00, :05, ... tile the hour.
    List<WindowUpdate> hopping = new ArrayList<>();
    MetricSpec hop = SPECS.get("hopping");
    for (long s = from - 4 * MINUTE; s < from + HOUR; s += MINUTE) {
      long start = s;
      List<Event> in =
          events.stream().filter(e -> e.ts() >= start && e.ts() < start + 5 * MINUTE).toList();
      HistoryEvents.finalUpdates(
              HistoryEvents.spec("hopping", AggregateFunction.COUNT, 5 * MINUTE, 5 * MINUTE), in)
          .stream()
          .map(
              u ->
                  new WindowUpdate(
                      "hopping",
                      1,
                      u.fn(),
                      u.groupBy(),
                      u.group(),
                      start,
                      start + 5 * MINUTE,
                      u.value(),
                      u.events(),
                      u.timing(),
                      true,
                      0,
                      u.accumulator()))
          .forEach(hopping::add);
    }
    store.write(hopping);

    RollupResult result = store.rollUp(from, from + HOUR);
    assertThat(result.skipped()).containsKey("seven v1 (HOUR)");
    assertThat(store.windows(Resolution.HOUR, all("seven", from, from + HOUR))).isEmpty();
    assertThat(store.windows(Resolution.MINUTE, all("seven", from - HOUR, from + HOUR)))
        .isNotEmpty();
    assertThat(
            store.windows(Resolution.HOUR, all("hopping", from, from + HOUR)).stream()
                .mapToLong(WindowUpdate::events)
                .sum())
        .isEqualTo(events.size());
    assertThat(hop.slideMillis()).isEqualTo(MINUTE);
  }

  @Test
  // Generous: connecting to a closed port is refused at once; only a hang would take this long.
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void anUnreachableServerFailsClearlyInsteadOfWaiting() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HistoryStore nowhere =
        new ClickHouseHistoryStore(
            ClickHouseConfig.of("jdbc:clickhouse://127.0.0.1:" + port + "/default", DATABASE),
            MetricSpecs.of(SPECS));
    List<WindowUpdate> batch =
        HistoryEvents.finalUpdates(
            SPECS.get("m_count"), HistoryEvents.events(7, 10, DAY0, MINUTE, 3, 3));
    assertThatThrownBy(() -> nowhere.write(batch))
        .isInstanceOf(HistoryStoreException.class)
        .hasMessageContaining("ClickHouse at jdbc:clickhouse://127.0.0.1:" + port)
        .hasMessageContaining("cannot write");
    assertThatThrownBy(() -> nowhere.windows(Resolution.MINUTE, all("m_count", 0, 1)))
        .isInstanceOf(HistoryStoreException.class)
        .hasMessageContaining("cannot read");
  }
}
