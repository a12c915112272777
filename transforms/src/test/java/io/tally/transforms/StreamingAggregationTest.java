package io.tally.transforms;

import static io.tally.transforms.TestEvents.at;
import static io.tally.transforms.TestEvents.event;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The streaming core on the direct runner, driven by TestStream through each kind of timing:
 * speculative (early), on time, unobservably late, observably late, and droppably late data, with
 * duplicates, hopping windows and every aggregate function.
 */
class StreamingAggregationTest {
  /** Count by category over one-minute windows, two minutes of allowed lateness. */
  static final String VIEWS =
      """
      metrics:
        - name: views
          groupBy: [category]
          aggregate: { fn: count }
          window: { size: 1m }
          allowedLateness: 2m
      """;

  private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);

  static MetricCatalogSource catalog(String yaml) {
    try {
      return MetricCatalogSource.fixed(
          MetricCatalog.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
    } catch (InvalidDefinitionException e) {
      throw new AssertionError(e);
    }
  }

  private WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> run(
      String metrics, TestStream<String> events) {
    return p.apply(events)
        .apply(
            StreamingAggregation.of(catalog(metrics))
                .withEarlyFiringDelay(Duration.millis(100))
                .withDedupHorizon(Duration.standardMinutes(10)));
  }

  private static TestStream.Builder<String> stream() {
    return TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(at(0));
  }

  @Test
  void onTimePaneWhenTheWatermarkPassesTheEndThenAFinalOne() {
    TestStream<String> events =
        stream()
            .addElements(
                event("a").at(10).timestamped(),
                event("b").at(20).timestamped(),
                event("c").category("movies/drama").at(30).timestamped())
            .advanceWatermarkTo(at(65))
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(VIEWS, events).output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 ON_TIME events=2 value=2",
            "views [movies/drama] 12:00-12:01 ON_TIME events=1 value=1",
            "views [movies/action] 12:00-12:01 LATE events=2 value=2 FINAL",
            "views [movies/drama] 12:00-12:01 LATE events=1 value=1 FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void speculativePanesAfterTheEarlyFiringDelay() {
    TestStream<String> events =
        stream()
            .addElements(event("a").at(10).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .addElements(event("b").at(20).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .advanceWatermarkTo(at(65))
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(VIEWS, events).output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 EARLY events=1 value=1",
            "views [movies/action] 12:00-12:01 EARLY events=2 value=2",
            "views [movies/action] 12:00-12:01 ON_TIME events=2 value=2",
            "views [movies/action] 12:00-12:01 LATE events=2 value=2 FINAL");
    p.run().waitUntilFinish();
  }

  /**
   * After a quiet delay the first event is sent at once; what follows within the delay waits for
   * one coalesced pane, so a key still gets at most one update per delay.
   */
  @Test
  void aQuietKeyFiresAtOnceAndABusyOneOncePerDelay() {
    TestStream<String> events =
        stream()
            .addElements(event("a").at(10).timestamped())
            .advanceProcessingTime(Duration.millis(10))
            .addElements(event("b").at(20).timestamped())
            .advanceProcessingTime(Duration.millis(10))
            .addElements(event("c").at(30).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .advanceWatermarkTo(at(65))
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(VIEWS, events).output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 EARLY events=1 value=1",
            "views [movies/action] 12:00-12:01 EARLY events=3 value=3",
            "views [movies/action] 12:00-12:01 ON_TIME events=3 value=3",
            "views [movies/action] 12:00-12:01 LATE events=3 value=3 FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void unobservablyLateEventsJoinTheOnTimePane() {
    TestStream<String> events =
        stream()
            .addElements(event("a").at(40).timestamped())
            .advanceWatermarkTo(at(45))
            // Behind the watermark, but the window has not ended: nobody can tell it was late.
            .addElements(event("b").at(5).timestamped())
            .advanceWatermarkTo(at(65))
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(VIEWS, events).output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 ON_TIME events=2 value=2",
            "views [movies/action] 12:00-12:01 LATE events=2 value=2 FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void observablyLateEventsMakeLatePanes() {
    TestStream<String> events =
        stream()
            .addElements(event("a").at(10).timestamped())
            .advanceWatermarkTo(at(65))
            .addElements(event("b").at(15).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .addElements(event("c").at(50).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(VIEWS, events).output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 ON_TIME events=1 value=1",
            "views [movies/action] 12:00-12:01 LATE events=2 value=2",
            "views [movies/action] 12:00-12:01 LATE events=3 value=3",
            "views [movies/action] 12:00-12:01 LATE events=3 value=3 FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void droppablyLateEventsGoToTheDeadLetterNotToTheCount() {
    TestStream<String> events =
        stream()
            .addElements(event("a").at(10).timestamped())
            // Past the end (12:01) plus the allowed lateness (2m): the window is closed.
            .advanceWatermarkTo(at(185))
            .addElements(event("late").at(20).timestamped(), event("fresh").at(190).timestamped())
            .advanceWatermarkToInfinity();

    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> result = run(VIEWS, events);
    PAssert.that(Panes.described(result.output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 ON_TIME events=1 value=1",
            "views [movies/action] 12:00-12:01 LATE events=1 value=1 FINAL",
            "views [movies/action] 12:03-12:04 ON_TIME events=1 value=1",
            "views [movies/action] 12:03-12:04 LATE events=1 value=1 FINAL");
    PAssert.that(Panes.deadLetterReasons(result.failures()))
        .containsInAnyOrder(
            "late: later than the allowed lateness of metric views (version 1) for the window"
                + " [2026-11-27T12:00:00.000Z, 2026-11-27T12:01:00.000Z)");
    p.run().waitUntilFinish();
  }

  @Test
  void duplicatesCountOnceWhereverAndWheneverTheyArrive() {
    TestStream<String> events =
        stream()
            .addElements(
                event("a").at(10).timestamped(),
                event("a").at(10).timestamped(),
                // Same identity, another time: the first arrival wins, so no 12:01 window.
                event("a").at(70).timestamped(),
                // Same id from another source is another event.
                event("a").source("other").at(15).timestamped())
            .advanceWatermarkTo(at(65))
            // After the on-time firing: the copy is still dropped, the new late event counts.
            .addElements(event("a").at(10).timestamped(), event("c").at(12).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(VIEWS, events).output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 ON_TIME events=2 value=2",
            "views [movies/action] 12:00-12:01 LATE events=3 value=3",
            "views [movies/action] 12:00-12:01 LATE events=3 value=3 FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void hoppingWindowsRankTopEntities() {
    String topEntities =
        """
        metrics:
          - name: top_movies
            aggregate: { fn: topk, field: entity, k: 2 }
            window: { size: 2m, slide: 1m }
        """;
    TestStream<String> events =
        stream()
            .addElements(
                event("1").entity("m1").at(10).timestamped(),
                event("2").entity("m2").at(20).timestamped(),
                event("3").entity("m1").at(70).timestamped(),
                event("4").entity("m3").at(80).timestamped(),
                event("5").entity("m3").at(90).timestamped())
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(topEntities, events).output()))
        .containsInAnyOrder(
            "top_movies [] 11:59-12:01 ON_TIME events=2 value=[m1:1,m2:1] FINAL",
            "top_movies [] 12:00-12:02 ON_TIME events=5 value=[m1:2,m3:2] FINAL",
            "top_movies [] 12:01-12:03 ON_TIME events=3 value=[m3:2,m1:1] FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void filtersAndGroupByChooseAndSplitEvents() {
    String scores =
        """
        metrics:
          - name: scores
            filter: { type: [sports.score], category: "sports/*", geo: [US, CA] }
            groupBy: [geo, type]
            aggregate: { fn: count }
            window: { size: 1m }
          - name: by_geo
            groupBy: [geo]
            aggregate: { fn: count }
            window: { size: 1m }
        """;
    TestStream<String> events =
        stream()
            .addElements(
                event("1")
                    .type("sports.score")
                    .category("sports/nba")
                    .geo("US")
                    .at(1)
                    .timestamped(),
                event("2")
                    .type("sports.score")
                    .category("sports/nfl")
                    .geo("CA")
                    .at(2)
                    .timestamped(),
                event("3")
                    .type("sports.score")
                    .category("sports/nba")
                    .geo("DE")
                    .at(3)
                    .timestamped(),
                event("4").type("sports.score").category("movies/x").geo("US").at(4).timestamped(),
                event("5").type("ticket.drop").category("sports/nba").geo("US").at(5).timestamped(),
                event("6").type("sports.score").category("sports").geo("US").at(6).timestamped(),
                event("7").type("sports.score").category("sports/nba").at(7).timestamped())
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(scores, events).output()))
        .containsInAnyOrder(
            "scores [US, sports.score] 12:00-12:01 ON_TIME events=1 value=1 FINAL",
            "scores [CA, sports.score] 12:00-12:01 ON_TIME events=1 value=1 FINAL",
            "by_geo [US] 12:00-12:01 ON_TIME events=4 value=4 FINAL",
            "by_geo [CA] 12:00-12:01 ON_TIME events=1 value=1 FINAL",
            "by_geo [DE] 12:00-12:01 ON_TIME events=1 value=1 FINAL",
            "by_geo [] 12:00-12:01 ON_TIME events=1 value=1 FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void everyAggregateFunction() {
    String all =
        """
        metrics:
          - name: n
            aggregate: { fn: count }
            window: { size: 1m }
          - name: total
            aggregate: { fn: sum }
            window: { size: 1m }
          - name: per_second
            aggregate: { fn: rate }
            window: { size: 1m }
          - name: users
            aggregate: { fn: distinct, field: user }
            window: { size: 1m }
          - name: top
            aggregate: { fn: topk, field: entity, k: 3 }
            window: { size: 1m }
        """;
    TestStream<String> events =
        stream()
            .addElements(
                event("1").user("u1").entity("b").value(1.5).at(1).timestamped(),
                event("2").user("u2").entity("a").value(2.5).at(2).timestamped(),
                event("3").user("u1").entity("b").at(3).timestamped())
            .advanceWatermarkToInfinity();

    PAssert.that(Panes.described(run(all, events).output()))
        .containsInAnyOrder(
            "n [] 12:00-12:01 ON_TIME events=3 value=3 FINAL",
            "total [] 12:00-12:01 ON_TIME events=3 value=5 FINAL",
            "per_second [] 12:00-12:01 ON_TIME events=3 value=0.05 FINAL",
            "users [] 12:00-12:01 ON_TIME events=3 value=2 FINAL",
            "top [] 12:00-12:01 ON_TIME events=3 value=[b:2,a:1] FINAL");
    p.run().waitUntilFinish();
  }

  @Test
  void invalidRecordsGoToTheDeadLetterAndTheRestIsCounted() {
    TestStream<String> events =
        stream()
            .addElements(
                event("ok").at(10).timestamped(),
                org.apache.beam.sdk.values.TimestampedValue.of("{not json", at(11)),
                org.apache.beam.sdk.values.TimestampedValue.of(
                    "{\"id\":\"x\",\"source\":\"Bad Source\",\"type\":\"t\",\"category\":\"c\",\"ts\":1}",
                    at(12)),
                org.apache.beam.sdk.values.TimestampedValue.of(
                    "{\"id\":\"y\",\"source\":\"s\",\"type\":\"t\",\"category\":\"c\"}", at(13)))
            .advanceWatermarkToInfinity();

    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> result = run(VIEWS, events);
    PAssert.that(Panes.described(result.output()))
        .containsInAnyOrder(
            "views [movies/action] 12:00-12:01 ON_TIME events=1 value=1",
            "views [movies/action] 12:00-12:01 LATE events=1 value=1 FINAL");
    PAssert.that(Panes.deadLetterReasons(result.failures()))
        .satisfies(
            reasons -> {
              org.assertj.core.api.Assertions.assertThat(reasons)
                  .hasSize(3)
                  .anyMatch(r -> r.startsWith("invalid: malformed JSON"))
                  .contains(
                      "invalid: source: must match [a-z0-9._-]{1,64}", "invalid: ts: required");
              return null;
            });
    p.run().waitUntilFinish();
  }
}
