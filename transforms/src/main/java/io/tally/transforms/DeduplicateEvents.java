package io.tally.transforms;

import io.tally.event.Event;
import io.tally.event.EventCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Lets the first arrival of each {@code (source, id)} through and drops later copies, whatever
 * their other fields say.
 *
 * <p>The memory of an identity lasts for the <em>dedup horizon</em> of event time: it is
 * forgotten once the watermark passes the event's time plus the horizon. A copy that arrives
 * after that would be counted again, unless it is too late for every window it falls in, in which
 * case aggregation sends it to the dead letter. So a horizon at least as long as the longest
 * window plus its allowed lateness makes de-duplication exact; a shorter one trades exactness for
 * memory (one small entry per distinct event within the horizon).
 */
public final class DeduplicateEvents extends PTransform<PCollection<Event>, PCollection<Event>> {
  private final Duration horizon;

  private DeduplicateEvents(Duration horizon) {
    this.horizon = horizon;
  }

  public static DeduplicateEvents within(Duration horizon) {
    if (horizon.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the dedup horizon must not be negative");
    }
    return new DeduplicateEvents(horizon);
  }

  @Override
  public PCollection<Event> expand(PCollection<Event> events) {
    return events
        .apply(
            "KeyByIdentity",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), events.getTypeDescriptor()))
                .via((Event e) -> KV.of(e.identity(), e)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), EventCoder.of()))
        .apply("FirstArrivalWins", ParDo.of(new FirstArrivalFn(horizon)))
        .setCoder(EventCoder.of());
  }

  static final class FirstArrivalFn extends DoFn<KV<String, Event>, Event> {
    private final Duration horizon;
    private final Counter duplicates = Metrics.counter(DeduplicateEvents.class, "duplicates");

    @StateId("seen")
    private final StateSpec<ValueState<Boolean>> seenSpec = StateSpecs.value(BooleanCoder.of());

    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstArrivalFn(Duration horizon) {
      this.horizon = horizon;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Event> element,
        @StateId("seen") ValueState<Boolean> seen,
        @TimerId("expiry") Timer expiry,
        OutputReceiver<Event> out) {
      if (seen.read() != null) {
        duplicates.inc();
        return;
      }
      seen.write(true);
      Event event = element.getValue();
      // No output timestamp: the timer only forgets, so it must not hold the watermark back.
      expiry
          .withNoOutputTimestamp()
          .set(new Instant(event.timestampMillis()).plus(horizon));
      out.output(event);
    }

    @OnTimer("expiry")
    public void forget(@StateId("seen") ValueState<Boolean> seen) {
      seen.clear();
    }
  }
}
