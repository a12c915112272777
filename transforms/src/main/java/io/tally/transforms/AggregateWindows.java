package io.tally.transforms;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.MetricSpec;
import io.tally.model.metric.WindowSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.transforms.coders.DeadLetterCoder;
import io.tally.transforms.coders.WindowUpdateCoder;
import io.tally.transforms.latency.StageLag;
import io.tally.transforms.metrics.JobCounter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event-time windowing, triggering and aggregation of observations, per metric group, with each
 * metric's own windows and allowed lateness.
 *
 * <p>Its panes are those of Beam's accumulating trigger {@code AfterWatermark.pastEndOfWindow()
 * .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(delay))
 * .withLateFirings(same delay)} with {@code FIRE_ALWAYS} on-time and closing behaviour, but for one
 * thing: an early or late firing waits only as long as it takes to keep one firing per delay.
 *
 * <ul>
 *   <li>EARLY updates at most once per {@code earlyFiringDelay} of processing time while events
 *       arrive before the watermark reaches the window's end. The first event after a firing
 *       delay's worth of quiet fires at once; Beam's trigger would hold it for the whole delay, so
 *       a quiet key's change would show up a delay late, for no saving: the throttle only pays on
 *       busy keys, where it still coalesces everything that arrives within a delay;
 *   <li>one ON_TIME update when it does;
 *   <li>LATE updates, again at most once per delay, for events within the allowed lateness;
 *   <li>a final update (the ON_TIME one when the lateness is zero) once the watermark passes the
 *       end plus the lateness. It alone carries the accumulator, for the history tiers.
 * </ul>
 *
 * An event later than that is not counted: it goes to the dead-letter output with reason {@code
 * late}. Lateness is judged against the input watermark, exactly as a Beam {@code GroupByKey} would
 * judge it.
 *
 * <p>State values are updated in place and written back. That is safe on every runner that hands
 * out a copy of a value a running checkpoint still holds, as Flink's heap state does by default
 * (not with {@code --fasterCopy}, which turns that copy off).
 *
 * <p>Why a stateful DoFn rather than {@code Window.into} and {@code Combine.perKey}: a windowing
 * strategy is fixed when the graph is built, so it can hold neither per-metric window sizes that
 * change at run time nor per-metric allowed lateness; and a {@code GroupByKey} drops too-late
 * elements with no way to send them to a dead letter. One keyed stage also costs one shuffle.
 */
public final class AggregateWindows
    extends PTransform<
        PCollection<KV<MetricKey, Observations>>,
        WithFailures.Result<PCollection<WindowUpdate>, DeadLetter>> {

  static final TupleTag<WindowUpdate> UPDATES = new TupleTag<>() {};
  static final TupleTag<DeadLetter> TOO_LATE = new TupleTag<>() {};

  private final Duration earlyFiringDelay;

  private AggregateWindows(Duration earlyFiringDelay) {
    this.earlyFiringDelay = earlyFiringDelay;
  }

  /** Early and late panes at most once per {@code earlyFiringDelay} of processing time. */
  public static AggregateWindows withEarlyFiringDelay(Duration earlyFiringDelay) {
    if (!earlyFiringDelay.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the early firing delay must be positive");
    }
    return new AggregateWindows(earlyFiringDelay);
  }

  @Override
  public WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> expand(
      PCollection<KV<MetricKey, Observations>> observations) {
    PCollectionTuple out =
        observations.apply(
            "WindowAndAggregate",
            ParDo.of(new AggregateFn(earlyFiringDelay))
                .withOutputTags(UPDATES, TupleTagList.of(TOO_LATE)));
    return WithFailures.Result.of(
        out.get(UPDATES).setCoder(WindowUpdateCoder.of()),
        out.get(TOO_LATE).setCoder(DeadLetterCoder.of()));
  }

  static final class AggregateFn extends DoFn<KV<MetricKey, Observations>, WindowUpdate> {
    /**
     * Past this many keys waiting for an early firing, this instance stops measuring for a while.
     */
    private static final int PENDING_LAG_KEYS = 100_000;

    private final Duration earlyFiringDelay;
    private final JobCounter tooLate = JobCounter.of(AggregateWindows.class, "dropped_late");

    /**
     * Per key with events not yet in an update, the oldest such event's time: for {@link
     * StageLag.Point#EMITTED} only, so it lives in this instance and not in state. A restored job
     * or a runner that fires a key's timer in another instance just misses some measurements.
     */
    private transient Map<MetricKey, Long> pendingSince;

    @StateId("windows")
    private final StateSpec<ValueState<OpenWindows>> windowsSpec =
        StateSpecs.value(OpenWindowsCoder.of());

    /** Fires at the earliest end or closing among the open windows. */
    @TimerId("deadline")
    private final TimerSpec deadlineSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("early")
    private final TimerSpec earlySpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    AggregateFn(Duration earlyFiringDelay) {
      this.earlyFiringDelay = earlyFiringDelay;
    }

    @ProcessElement
    public void process(
        @Element KV<MetricKey, Observations> element,
        @StateId("windows") ValueState<OpenWindows> state,
        @TimerId("deadline") Timer deadline,
        @TimerId("early") Timer early,
        MultiOutputReceiver out) {
      MetricKey key = element.getKey();
      Observations batch = element.getValue();
      OpenWindows windows = state.read();
      if (windows == null) {
        windows = new OpenWindows(batch.spec());
      }
      // For an event-time timer this is the input watermark, which decides what is too late.
      long watermark = deadline.getCurrentRelativeTime().getMillis();
      long earliest = windows.scheduledDeadline;
      boolean counted = false;

      MetricSpec spec = windows.spec;
      WindowSpec windowSpec = spec.window();
      long oldestCounted = Long.MAX_VALUE;
      for (Observation observation : batch.observations()) {
        StageLag.record(StageLag.Point.AGGREGATED, observation.timestampMillis());
        oldestCounted = Math.min(oldestCounted, observation.timestampMillis());
        for (long start : windowSpec.startsFor(observation.timestampMillis())) {
          if (windows.closeAtOf(start) <= watermark) {
            tooLate.inc();
            out.get(TOO_LATE).output(tooLate(key, observation, start, windows.endOf(start)));
            continue;
          }
          OpenWindows.Window window = windows.byStart.get(start);
          if (window == null) {
            // A window first seen after the watermark passed its end only gets late panes.
            boolean pastEnd = windows.maxTimestampOf(start) < watermark;
            window = new OpenWindows.Window(Accumulator.create(spec.fn()), 0, 0, pastEnd);
            windows.byStart.put(start, window);
            earliest = Math.min(earliest, windows.deadlineOf(start, window));
          }
          window.accumulator.add(observation.value(), observation.item());
          counted = true;
        }
      }
      if (!counted) {
        return;
      }
      notePending(key, oldestCounted);
      if (earliest < windows.scheduledDeadline) {
        deadline.set(new Instant(earliest));
        windows.scheduledDeadline = earliest;
      }
      if (!windows.earlyFiringScheduled) {
        long now = early.getCurrentRelativeTime().getMillis();
        long last = windows.lastEarlyFiringMillis;
        long due =
            last == Long.MIN_VALUE ? now : Math.max(now, last + earlyFiringDelay.getMillis());
        early.set(new Instant(due));
        windows.earlyFiringScheduled = true;
      }
      state.write(windows);
    }

    @OnTimer("early")
    public void onEarly(
        @Key MetricKey key,
        @StateId("windows") ValueState<OpenWindows> state,
        @TimerId("early") Timer early,
        OutputReceiver<WindowUpdate> out) {
      OpenWindows windows = state.read();
      if (windows == null) {
        return;
      }
      windows.earlyFiringScheduled = false;
      windows.lastEarlyFiringMillis = early.getCurrentRelativeTime().getMillis();
      Long since = pending().remove(key);
      if (since != null) {
        StageLag.record(StageLag.Point.EMITTED, since);
      }
      for (Map.Entry<Long, OpenWindows.Window> entry : windows.byStart.entrySet()) {
        OpenWindows.Window window = entry.getValue();
        if (window.hasUnsentEvents()) {
          Timing timing = window.onTimeFired ? Timing.LATE : Timing.EARLY;
          out.output(update(key, windows, entry.getKey(), window, timing, false));
        }
      }
      state.write(windows);
    }

    @OnTimer("deadline")
    public void onDeadline(
        OnTimerContext context,
        @Key MetricKey key,
        @StateId("windows") ValueState<OpenWindows> state,
        @TimerId("deadline") Timer deadline,
        OutputReceiver<WindowUpdate> out) {
      OpenWindows windows = state.read();
      if (windows == null) {
        return;
      }
      long watermark = context.fireTimestamp().getMillis();
      Iterator<Map.Entry<Long, OpenWindows.Window>> it = windows.byStart.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, OpenWindows.Window> entry = it.next();
        long start = entry.getKey();
        OpenWindows.Window window = entry.getValue();
        if (windows.deadlineOf(start, window) > watermark) {
          continue;
        }
        boolean closing = windows.closeAtOf(start) <= watermark;
        Timing timing = window.onTimeFired ? Timing.LATE : Timing.ON_TIME;
        out.output(update(key, windows, start, window, timing, closing));
        if (closing) {
          it.remove();
        } else {
          window.onTimeFired = true;
        }
      }
      if (windows.byStart.isEmpty()) {
        // Nothing is open: forget the key altogether. A pending early timer finds no state.
        state.clear();
        pending().remove(key);
        return;
      }
      windows.scheduledDeadline = windows.earliestDeadline();
      deadline.set(new Instant(windows.scheduledDeadline));
      state.write(windows);
    }

    private void notePending(MetricKey key, long oldest) {
      Map<MetricKey, Long> pending = pending();
      if (pending.size() >= PENDING_LAG_KEYS && !pending.containsKey(key)) {
        pending.clear(); // keys whose timers fire elsewhere must not pile up
      }
      pending.merge(key, oldest, Math::min);
    }

    private Map<MetricKey, Long> pending() {
      if (pendingSince == null) {
        pendingSince = new HashMap<>();
      }
      return pendingSince;
    }

    private static WindowUpdate update(
        MetricKey key,
        OpenWindows windows,
        long start,
        OpenWindows.Window window,
        Timing timing,
        boolean isFinal) {
      MetricSpec spec = windows.spec;
      Accumulator accumulator = window.accumulator;
      window.emittedEvents = accumulator.events();
      return new WindowUpdate(
          spec.metric(),
          spec.version(),
          spec.fn(),
          spec.groupBy(),
          key.group(),
          start,
          windows.endOf(start),
          accumulator.result(spec),
          accumulator.events(),
          timing,
          isFinal,
          window.panes++,
          // The window is forgotten after its final update, so the accumulator can be handed on.
          isFinal ? accumulator : null);
    }

    private static DeadLetter tooLate(MetricKey key, Observation o, long start, long end) {
      String detail =
          "later than the allowed lateness of metric "
              + key.metric()
              + " (version "
              + key.version()
              + ") for the window ["
              + Instant.ofEpochMilli(start)
              + ", "
              + Instant.ofEpochMilli(end)
              + ")";
      String payload =
          "{\"source\":\""
              + o.source()
              + "\",\"id\":"
              + jsonString(o.id())
              + ",\"ts\":"
              + o.timestampMillis()
              + ",\"metric\":\""
              + key.metric()
              + "\"}";
      return new DeadLetter(DeadLetter.Reason.LATE, detail, payload, o.timestampMillis());
    }

    private static String jsonString(String text) {
      StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.append('"').toString();
    }
  }
}
