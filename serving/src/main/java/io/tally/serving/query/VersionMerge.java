package io.tally.serving.query;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One window per start, end, group and function, whatever definition versions computed it.
 *
 * <p>A changed definition is a new version that counts events from its activation (event time), and
 * the old version stops there; so windows of two versions with the same bounds, function and group
 * hold disjoint events, and together they are the window a client asked for. A client keys windows
 * by start, end and group, and would otherwise see one of them, or their sum, and see {@code
 * events} go down when the other arrives. Counts, sums and rates add; distinct counts and rankings
 * merge their sketches when every part carries one (final windows do). Parts that cannot be merged
 * (distinct or top-K windows still open, whose updates carry only their value) stay apart, and the
 * answer says so in {@code leftOut}.
 */
public final class VersionMerge {

  /** The merged windows, the versions each spans (only for those of more than one), and notes. */
  record Result(
      List<WindowUpdate> windows, Map<WindowUpdate, List<Long>> versions, List<String> notes) {}

  private record Bounds(long start, long end, List<String> group, AggregateFunction fn) {}

  private VersionMerge() {}

  /**
   * Merges {@code windows} (in {@link WindowQueryService#WINDOW_ORDER}); {@code spec} is the
   * definition in force, whose top-K size a merged ranking takes.
   */
  static Result merge(List<WindowUpdate> windows, MetricSpec spec) {
    Map<Bounds, List<WindowUpdate>> parts = new LinkedHashMap<>();
    for (WindowUpdate window : windows) {
      parts
          .computeIfAbsent(
              new Bounds(window.startMillis(), window.endMillis(), window.group(), window.fn()),
              b -> new ArrayList<>())
          .add(window);
    }
    List<WindowUpdate> merged = new ArrayList<>();
    Map<WindowUpdate, List<Long>> versions = new IdentityHashMap<>();
    List<String> notes = new ArrayList<>();
    for (List<WindowUpdate> same : parts.values()) {
      if (same.size() == 1) {
        merged.add(same.get(0));
        continue;
      }
      WindowUpdate one = combine(same, spec);
      if (one == null) {
        merged.addAll(same);
        WindowUpdate first = same.get(0);
        notes.add(
            "the window "
                + Timestamps.format(first.startMillis())
                + " of group "
                + first.groupMap()
                + " spans versions "
                + same.stream().map(WindowUpdate::version).toList()
                + ", whose open "
                + first.fn().wireName()
                + " values cannot be combined without their sketches: they are listed apart;"
                + " ask with version=N for one");
      } else {
        merged.add(one);
        versions.put(one, same.stream().map(WindowUpdate::version).distinct().toList());
      }
    }
    return new Result(merged, versions, notes);
  }

  /**
   * The parts (windows of one start, end, group and function, from different versions) as one
   * window, or null when their values cannot be combined. {@code spec}, the definition in force,
   * gives a merged ranking its size; it may be null when the parts carry no sketches (the change
   * feed's updates), since then only counts, sums and rates combine.
   */
  public static WindowUpdate combine(List<WindowUpdate> parts, MetricSpec spec) {
    WindowUpdate newest = parts.get(parts.size() - 1);
    for (WindowUpdate part : parts) {
      if (part.version() > newest.version()) {
        newest = part;
      }
    }
    long events = parts.stream().mapToLong(WindowUpdate::events).sum();
    boolean allFinal = parts.stream().allMatch(WindowUpdate::isFinal);
    Accumulator accumulator = null;
    if (parts.stream().allMatch(p -> p.accumulator() != null)) {
      accumulator = parts.get(0).accumulator().copy();
      for (WindowUpdate part : parts.subList(1, parts.size())) {
        accumulator.merge(part.accumulator());
      }
    }
    MetricValue value;
    switch (newest.fn()) {
      case COUNT, SUM, RATE -> {
        double sum = 0;
        for (WindowUpdate part : parts) {
          if (!(part.value() instanceof MetricValue.Scalar scalar)) {
            return null;
          }
          sum += scalar.value();
        }
        value = new MetricValue.Scalar(sum);
      }
      case DISTINCT, TOPK -> {
        if (accumulator == null) {
          return null;
        }
        value = accumulator.result(spec);
      }
      default -> throw new IllegalStateException("unknown function " + newest.fn());
    }
    return new WindowUpdate(
        newest.metric(),
        newest.version(),
        newest.fn(),
        newest.groupBy(),
        newest.group(),
        newest.startMillis(),
        newest.endMillis(),
        value,
        events,
        newest.timing(),
        allFinal,
        parts.stream().mapToLong(WindowUpdate::paneIndex).max().orElse(newest.paneIndex()),
        accumulator);
  }

  /** Keeps only the windows of {@code version}. */
  static List<WindowUpdate> ofVersion(List<WindowUpdate> windows, long version) {
    return windows.stream().filter(w -> w.version() == version).toList();
  }
}
