package io.tally.tiering.tiers;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.history.RollupResult;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.List;

/** Windows and stores for tests of the tier merge. */
final class TierWindows {
  static final long MINUTE = 60_000;
  static final long HOUR = 3_600_000;

  /** 2026-11-27T21:00:00Z: a whole hour. */
  static final long T0 = 1_795_813_200_000L;

  private TierWindows() {}

  static MetricSpec spec(AggregateFunction fn, long size, long slide) {
    return new MetricSpec(
        "m", 1, fn, fn == AggregateFunction.TOPK ? 3 : 0, size, slide, 0, List.of("geo"));
  }

  /** A window of {@code spec} that folded in {@code items} (each also its value's length). */
  static WindowUpdate window(
      MetricSpec spec, String geo, long start, boolean isFinal, String... items) {
    Accumulator acc = accumulate(spec.fn(), items);
    return new WindowUpdate(
        spec.metric(),
        spec.version(),
        spec.fn(),
        spec.groupBy(),
        List.of(geo),
        start,
        start + spec.sizeMillis(),
        acc.result(spec),
        acc.events(),
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        0,
        isFinal ? acc : null);
  }

  /** The same window as the serving view holds it: its value, without the accumulator. */
  static WindowUpdate withoutAccumulator(WindowUpdate w) {
    return new WindowUpdate(
        w.metric(),
        w.version(),
        w.fn(),
        w.groupBy(),
        w.group(),
        w.startMillis(),
        w.endMillis(),
        w.value(),
        w.events(),
        w.timing(),
        w.isFinal(),
        w.paneIndex(),
        null);
  }

  static Accumulator accumulate(AggregateFunction fn, String... items) {
    Accumulator acc = Accumulator.create(fn);
    for (String item : items) {
      acc.add(item.length(), item);
    }
    return acc;
  }

  static InMemoryHotStore hot(List<WindowUpdate> windows) {
    InMemoryHotStore store = new InMemoryHotStore();
    windows.forEach(store::apply);
    return store;
  }

  /**
   * A history tier in a list, for the merge logic only (the ClickHouse store has its own tests
   * against a real server): it stores the metric's windows and, optionally, rolled-up hours, and
   * can be made to fail as an unreachable server does.
   */
  static final class ListHistory implements HistoryStore {
    final List<WindowUpdate> minutes = new ArrayList<>();
    final List<WindowUpdate> hours = new ArrayList<>();
    boolean down;
    int reads;

    @Override
    public void ping() {
      check();
    }

    @Override
    public void createSchema() {}

    @Override
    public void write(List<WindowUpdate> finalUpdates) {
      check();
      minutes.addAll(finalUpdates);
    }

    @Override
    public List<WindowUpdate> windows(Resolution resolution, WindowQuery query) {
      check();
      reads++;
      List<WindowUpdate> stored =
          switch (resolution) {
            case MINUTE -> minutes;
            case HOUR -> hours;
            case DAY -> List.of();
          };
      return stored.stream().filter(query::matches).toList();
    }

    @Override
    public RollupResult rollUp(long fromMillis, long toMillis) {
      throw new UnsupportedOperationException();
    }

    private void check() {
      if (down) {
        throw new HistoryStoreException("ClickHouse at test: Connection refused");
      }
    }
  }
}
