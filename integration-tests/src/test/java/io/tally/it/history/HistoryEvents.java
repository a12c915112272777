package io.tally.it.history;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic events for history tests, and the windows the pipeline would compute from them: one
 * accumulator per (metric, group, window), built by adding the events directly.
 */
final class HistoryEvents {
  static final long MINUTE = 60_000;
  static final long HOUR = 3_600_000;
  static final long DAY = 86_400_000;

  /** 2026-11-27T00:00:00Z. */
  static final long DAY0 = 1_795_737_600_000L;

  static final List<String> GEOS = List.of("US", "CA", "FR");

  record Event(long ts, String geo, String user, String entity, double value) {}

  private HistoryEvents() {}

  static MetricSpec spec(String metric, AggregateFunction fn, long size, long slide) {
    return new MetricSpec(
        metric, 1, fn, fn == AggregateFunction.TOPK ? 5 : 0, size, slide, 0, List.of("geo"));
  }

  /** {@code n} events spread over [from, from + span), reproducibly. */
  static List<Event> events(long seed, int n, long from, long span, int users, int entities) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long ts = from + (long) (random.nextDouble() * span);
      String geo = GEOS.get(random.nextInt(GEOS.size()));
      // Skewed entities, so that top-K has a clear order.
      int entity = (int) Math.floor(Math.pow(random.nextDouble(), 3) * entities);
      events.add(
          new Event(
              ts,
              geo,
              "user-" + random.nextInt(users),
              "entity-" + entity,
              Math.round(random.nextDouble() * 1000) / 10.0));
    }
    return events;
  }

  /** The item a metric reads from an event. */
  static String item(AggregateFunction fn, Event e) {
    return switch (fn) {
      case DISTINCT -> e.user();
      case TOPK -> e.entity();
      default -> null;
    };
  }

  /** The accumulator of every (group, window start) of tumbling windows of {@code size}. */
  static Map<List<Object>, Accumulator> accumulate(
      AggregateFunction fn, List<Event> events, long size) {
    Map<List<Object>, Accumulator> windows = new LinkedHashMap<>();
    for (Event e : events) {
      long start = Math.floorDiv(e.ts(), size) * size;
      windows
          .computeIfAbsent(List.of(e.geo(), start), key -> Accumulator.create(fn))
          .add(e.value(), item(fn, e));
    }
    return windows;
  }

  /** Final window updates as the pipeline would emit them for tumbling windows of a spec. */
  static List<WindowUpdate> finalUpdates(MetricSpec spec, List<Event> events) {
    List<WindowUpdate> updates = new ArrayList<>();
    accumulate(spec.fn(), events, spec.sizeMillis())
        .forEach(
            (key, acc) -> {
              long start = (Long) key.get(1);
              updates.add(
                  new WindowUpdate(
                      spec.metric(),
                      spec.version(),
                      spec.fn(),
                      spec.groupBy(),
                      List.of((String) key.get(0)),
                      start,
                      start + spec.sizeMillis(),
                      acc.result(spec),
                      acc.events(),
                      Timing.ON_TIME,
                      true,
                      1,
                      acc));
            });
    return updates;
  }
}
