package io.tally.transforms;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.metric.MetricSpec;
import java.util.TreeMap;

/**
 * The aggregation state of one {@link MetricKey}: its windows that are still open, by start. A
 * window is open from its first event until the watermark passes its end plus the allowed lateness;
 * then its final update is sent and it is forgotten.
 */
final class OpenWindows {
  final MetricSpec spec;
  final TreeMap<Long, Window> byStart;

  /** Whether an early-firing timer is pending, so that one is set once per firing delay. */
  boolean earlyFiringScheduled;

  /** Processing time of the last early or late firing; {@link Long#MIN_VALUE} before the first. */
  long lastEarlyFiringMillis;

  /** Where the deadline timer is set; {@link Long#MAX_VALUE} when it is not. */
  long scheduledDeadline;

  OpenWindows(MetricSpec spec) {
    this(spec, new TreeMap<>(), false, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  OpenWindows(
      MetricSpec spec,
      TreeMap<Long, Window> byStart,
      boolean earlyFiringScheduled,
      long lastEarlyFiringMillis,
      long scheduledDeadline) {
    this.spec = spec;
    this.byStart = byStart;
    this.earlyFiringScheduled = earlyFiringScheduled;
    this.lastEarlyFiringMillis = lastEarlyFiringMillis;
    this.scheduledDeadline = scheduledDeadline;
  }

  long endOf(long start) {
    return start + spec.sizeMillis();
  }

  /** Beam's convention: a window's last instant is one millisecond before its end. */
  long maxTimestampOf(long start) {
    return endOf(start) - 1;
  }

  /** The instant after which the window takes no more events: max timestamp plus lateness. */
  long closeAtOf(long start) {
    return maxTimestampOf(start) + spec.allowedLatenessMillis();
  }

  /** When this window next needs the watermark's attention: its end, then its closing. */
  long deadlineOf(long start, Window window) {
    return window.onTimeFired ? closeAtOf(start) : maxTimestampOf(start);
  }

  long earliestDeadline() {
    long earliest = Long.MAX_VALUE;
    for (var entry : byStart.entrySet()) {
      earliest = Math.min(earliest, deadlineOf(entry.getKey(), entry.getValue()));
    }
    return earliest;
  }

  /** One open window: its accumulator and what has been sent of it. */
  static final class Window {
    final Accumulator accumulator;
    long emittedEvents;
    long panes;
    boolean onTimeFired;

    Window(Accumulator accumulator, long emittedEvents, long panes, boolean onTimeFired) {
      this.accumulator = accumulator;
      this.emittedEvents = emittedEvents;
      this.panes = panes;
      this.onTimeFired = onTimeFired;
    }

    boolean hasUnsentEvents() {
      return accumulator.events() > emittedEvents;
    }
  }
}
