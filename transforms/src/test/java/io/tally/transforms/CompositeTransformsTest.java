package io.tally.transforms;

import static io.tally.transforms.TestEvents.at;
import static io.tally.transforms.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.event.Event;
import io.tally.model.event.EventParser;
import io.tally.transforms.coders.EventCoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** Each stage of the streaming core on its own. */
class CompositeTransformsTest {
  private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);

  private static Event parsed(TestEvents.Builder builder) {
    try {
      return EventParser.parse(builder.json());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void parseEventsSplitsEventsFromDeadLetters() {
    WithFailures.Result<PCollection<Event>, DeadLetter> result =
        p.apply(
                Create.of(event("a").json(), "[]", "{\"id\":\"b\"}")
                    .withCoder(StringUtf8Coder.of()))
            .apply(ParseEvents.create());

    PAssert.that(
            result
                .output()
                .apply("Ids", MapElements.into(TypeDescriptors.strings()).via(Event::id)))
        .containsInAnyOrder("a");
    PAssert.that(
            result
                .failures()
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.payload() + " -> " + d.detail())))
        .containsInAnyOrder(
            "[] -> an event must be a JSON object", "{\"id\":\"b\"} -> source: required");
    p.run().waitUntilFinish();
  }

  @Test
  void deduplicateEventsKeepsTheFirstArrivalOfEachIdentity() {
    TestStream<String> records =
        TestStream.create(StringUtf8Coder.of())
            .advanceWatermarkTo(at(0))
            .addElements(
                event("a").entity("first").at(1).timestamped(),
                event("a").entity("second").at(2).timestamped(),
                event("a").source("other").entity("other-source").at(3).timestamped())
            .addElements(event("a").entity("third").at(4).timestamped())
            .advanceWatermarkToInfinity();

    PCollection<String> kept =
        p.apply(records)
            .apply(ParseEvents.create())
            .output()
            .apply(DeduplicateEvents.within(Duration.standardMinutes(10)))
            .apply(MapElements.into(TypeDescriptors.strings()).via(Event::entity));

    PAssert.that(kept).containsInAnyOrder("first", "other-source");
    p.run().waitUntilFinish();
  }

  @Test
  void matchDefinitionsBatchesObservationsPerGroupWithTheirDefinition() {
    List<Event> events = new ArrayList<>();
    events.add(parsed(event("1").category("movies/action").entity("m1").at(1)));
    events.add(parsed(event("2").category("movies/action").entity("m2").at(2)));
    events.add(parsed(event("3").category("movies/drama").entity("m3").at(3)));

    PCollection<KV<MetricKey, Observations>> matched =
        p.apply(Create.of(events).withCoder(EventCoder.of()))
            .apply(
                MatchDefinitions.from(
                    StreamingAggregationTest.catalog(StreamingAggregationTest.VIEWS)));

    PAssert.that(matched)
        .satisfies(
            batches -> {
              int observations = 0;
              for (KV<MetricKey, Observations> batch : batches) {
                assertThat(batch.getKey().metric()).isEqualTo("views");
                assertThat(batch.getValue().spec().sizeMillis()).isEqualTo(60_000);
                assertThat(batch.getValue().spec().allowedLatenessMillis()).isEqualTo(120_000);
                observations += batch.getValue().observations().size();
              }
              assertThat(observations).isEqualTo(3);
              assertThat(batches)
                  .extracting(b -> b.getKey().group())
                  .containsOnly(List.of("movies/action"), List.of("movies/drama"));
              return null;
            });
    p.run().waitUntilFinish();
  }
}
