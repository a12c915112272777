package io.tally.it.history;

import static io.tally.it.history.HistoryEvents.DAY0;
import static io.tally.it.history.HistoryEvents.HOUR;
import static io.tally.it.history.HistoryEvents.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.it.support.ClickHouseServer;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import io.tally.tiering.tiers.TieredWindowReader;
import io.tally.tiering.tiers.TieredWindows;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A query that spans the tier boundary, answered from the serving view for recent windows and a
 * real ClickHouse for older ones, equals the same query answered from one tier alone: no window
 * missing, none counted twice, for every aggregate function and resolution.
 */
@ExtendWith(ClickHouseServer.class)
class TierBoundaryIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(TierBoundaryIT.class);

  /** Six hours of events from DAY0; the boundary lies in the middle of the fourth hour. */
  private static final long FROM = DAY0;

  private static final long TO = DAY0 + 6 * HOUR;
  private static final long NOW = DAY0 + 7 * HOUR;
  private static final long HORIZON = 3 * HOUR + 30 * MINUTE;
  private static final Map<String, MetricSpec> SPECS = new HashMap<>();

  static {
    for (AggregateFunction fn : AggregateFunction.values()) {
      SPECS.put("b_" + fn.wireName(), HistoryEvents.spec("b_" + fn.wireName(), fn, MINUTE, MINUTE));
    }
  }

  private static HistoryStore history;

  /** Everything, as a serving view that never evicts would hold it. */
  private static final InMemoryHotStore allInMemory = new InMemoryHotStore();

  /** What a serving view holds at NOW: the windows that ended within the horizon. */
  private static final InMemoryHotStore recentInMemory = new InMemoryHotStore();

  @BeforeAll
  static void writeBothTiers() {
    history = new ClickHouseHistoryStore(ClickHouseServer.config(DATABASE), MetricSpecs.of(SPECS));
    history.createSchema();
    List<HistoryEvents.Event> events = HistoryEvents.events(11, 20_000, FROM, TO - FROM, 400, 40);
    for (MetricSpec spec : SPECS.values()) {
      List<WindowUpdate> finals = HistoryEvents.finalUpdates(spec, events);
      history.write(finals);
      finals.forEach(allInMemory::apply);
      finals.forEach(recentInMemory::apply);
    }
    recentInMemory.evictEndedBefore(NOW - HORIZON);
    history.rollUp(FROM, TO);
  }

  @Test
  void aQuerySpanningTheBoundaryEqualsEachTierAlone() {
    TieredWindowReader split =
        new TieredWindowReader(recentInMemory, null, history, HORIZON, () -> NOW);
    TieredWindowReader historyOnly =
        new TieredWindowReader(
            new InMemoryHotStore(), null, history, HORIZON, () -> Long.MAX_VALUE / 2);
    TieredWindowReader memoryOnly = TieredWindowReader.memoryOnly(allInMemory);

    for (MetricSpec spec : SPECS.values()) {
      for (Resolution resolution : Resolution.values()) {
        for (Map<String, String> where : List.of(Map.<String, String>of(), Map.of("geo", "US"))) {
          WindowQuery query = new WindowQuery(spec.metric(), FROM, TO, where);
          String what = spec.metric() + " by " + resolution.wireName() + " " + where;

          TieredWindows answer = split.windows(spec, query, resolution);
          List<String> fromHistory = summaries(historyOnly.windows(spec, query, resolution));
          List<String> fromMemory = summaries(memoryOnly.windows(spec, query, resolution));

          assertThat(answer.partial()).as(what).isFalse();
          assertThat(answer.boundaryMillis()).as(what).isBetween(FROM + HOUR, TO - HOUR);
          assertThat(summaries(answer)).as(what + " vs history alone").isEqualTo(fromHistory);
          assertThat(summaries(answer)).as(what + " vs memory alone").isEqualTo(fromMemory);
          assertThat(fromHistory).as(what).isNotEmpty();
        }
      }
    }
  }

  private static List<String> summaries(TieredWindows answer) {
    return answer.windows().stream()
        .sorted(
            java.util.Comparator.comparing((WindowUpdate w) -> w.group().toString())
                .thenComparingLong(WindowUpdate::startMillis))
        // Not "final": the day was rolled up before it ended here, and history's rolled-up rows
        // read as final while the same day merged from minutes is not final before its end.
        .map(
            w ->
                w.group()
                    + " ["
                    + w.startMillis()
                    + ", "
                    + w.endMillis()
                    + ") "
                    + w.value()
                    + " events="
                    + w.events())
        .toList();
  }
}
