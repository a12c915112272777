package io.tally.transforms;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.event.Event;
import io.tally.model.event.EventParser;
import io.tally.model.event.InvalidEventException;
import io.tally.transforms.coders.DeadLetterCoder;
import io.tally.transforms.coders.EventCoder;
import io.tally.transforms.latency.StageLag;
import io.tally.transforms.metrics.JobCounter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Parses raw records into events. A record that breaks the contract goes to the dead-letter output
 * with the reason; it never fails the pipeline and never disappears.
 */
public final class ParseEvents
    extends PTransform<PCollection<String>, WithFailures.Result<PCollection<Event>, DeadLetter>> {
  static final TupleTag<Event> EVENTS = new TupleTag<>() {};
  static final TupleTag<DeadLetter> INVALID = new TupleTag<>() {};

  public static ParseEvents create() {
    return new ParseEvents();
  }

  private ParseEvents() {}

  @Override
  public WithFailures.Result<PCollection<Event>, DeadLetter> expand(PCollection<String> records) {
    PCollectionTuple parsed =
        records.apply(
            "Parse", ParDo.of(new ParseFn()).withOutputTags(EVENTS, TupleTagList.of(INVALID)));
    return WithFailures.Result.of(
        parsed.get(EVENTS).setCoder(EventCoder.of()),
        parsed.get(INVALID).setCoder(DeadLetterCoder.of()));
  }

  static final class ParseFn extends DoFn<String, Event> {
    private final JobCounter invalid = JobCounter.of(ParseEvents.class, "invalid_events");

    @ProcessElement
    public void process(
        @Element String record, @Timestamp Instant timestamp, MultiOutputReceiver out) {
      try {
        Event event = EventParser.parse(record);
        StageLag.record(StageLag.Point.READ, event.timestampMillis());
        out.get(EVENTS).output(event);
      } catch (InvalidEventException e) {
        invalid.inc();
        out.get(INVALID)
            .output(
                new DeadLetter(
                    DeadLetter.Reason.INVALID, e.getMessage(), record, timestamp.getMillis()));
      }
    }
  }
}
