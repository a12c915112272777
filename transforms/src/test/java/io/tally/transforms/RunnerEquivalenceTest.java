package io.tally.transforms;

import static io.tally.transforms.TestEvents.at;
import static io.tally.transforms.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.update.WindowUpdate;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same scenarios on the direct runner and on an embedded Flink cluster must end in the same
 * final answers. The Flink runner cannot advance processing time in a TestStream, so these
 * scenarios move event time only and compare final panes and dead letters, which do not depend on
 * when early panes fire.
 */
class RunnerEquivalenceTest {
  private static final Map<String, Queue<String>> COLLECTED = new ConcurrentHashMap<>();

  static final String METRICS =
      """
      metrics:
        - name: views
          groupBy: [category]
          aggregate: { fn: count }
          window: { size: 1m }
          allowedLateness: 2m
        - name: top_movies
          groupBy: [geo]
          aggregate: { fn: topk, field: entity, k: 2 }
          window: { size: 2m, slide: 1m }
          allowedLateness: 1m
        - name: users
          aggregate: { fn: distinct, field: user }
          window: { size: 1m }
          allowedLateness: 2m
        - name: spend
          filter: { type: [ticket.drop] }
          aggregate: { fn: sum }
          window: { size: 1m }
      """;

  static TestStream<String> mixedScenario() {
    return TestStream.create(StringUtf8Coder.of())
        .advanceWatermarkTo(at(0))
        .addElements(
            event("1").entity("m1").geo("US").user("u1").at(5).timestamped(),
            event("2").entity("m2").geo("US").user("u2").at(15).timestamped(),
            event("2").entity("m9").geo("US").user("u9").at(16).timestamped(),
            event("3")
                .entity("m1")
                .geo("DE")
                .user("u1")
                .category("movies/drama")
                .at(65)
                .timestamped(),
            event("4")
                .type("ticket.drop")
                .value(12.5)
                .category("tickets/rock")
                .at(30)
                .timestamped(),
            event("5").type("ticket.drop").value(7.5).category("tickets/rock").at(31).timestamped())
        .advanceWatermarkTo(at(70))
        .addElements(
            // Late but within the allowed lateness of every metric it matches.
            event("6").entity("m2").geo("US").user("u3").at(50).timestamped(),
            // A copy after the on-time pane: still counted once.
            event("1").entity("m1").geo("US").user("u1").at(5).timestamped())
        .advanceWatermarkTo(at(200))
        .addElements(
            // Too late for the 12:00 windows of every metric.
            event("7").entity("m3").geo("US").user("u4").at(10).timestamped(),
            event("8").entity("m3").geo("US").user("u5").at(190).timestamped())
        .advanceWatermarkToInfinity();
  }

  static final List<String> EXPECTED_FINALS =
      List.of(
          "views [movies/action] 12:00-12:01 LATE events=3 value=3 FINAL",
          "views [movies/drama] 12:01-12:02 LATE events=1 value=1 FINAL",
          "views [tickets/rock] 12:00-12:01 LATE events=2 value=2 FINAL",
          "views [movies/action] 12:03-12:04 LATE events=1 value=1 FINAL",
          "top_movies [US] 11:59-12:01 LATE events=3 value=[m2:2,m1:1] FINAL",
          "top_movies [US] 12:00-12:02 LATE events=3 value=[m2:2,m1:1] FINAL",
          "top_movies [DE] 12:00-12:02 LATE events=1 value=[m1:1] FINAL",
          "top_movies [DE] 12:01-12:03 LATE events=1 value=[m1:1] FINAL",
          "top_movies [] 11:59-12:01 LATE events=2 value=[] FINAL",
          "top_movies [] 12:00-12:02 LATE events=2 value=[] FINAL",
          "top_movies [US] 12:02-12:04 LATE events=1 value=[m3:1] FINAL",
          "top_movies [US] 12:03-12:05 LATE events=1 value=[m3:1] FINAL",
          "users [] 12:00-12:01 LATE events=5 value=3 FINAL",
          "users [] 12:01-12:02 LATE events=1 value=1 FINAL",
          "users [] 12:03-12:04 LATE events=1 value=1 FINAL",
          "spend [] 12:00-12:01 ON_TIME events=2 value=20 FINAL");

  @Test
  void directAndFlinkRunnersAgreeOnFinalAnswers() {
    List<String> direct = run(directOptions(), mixedScenario(), Duration.standardMinutes(10));
    List<String> flink = run(flinkOptions(), mixedScenario(), Duration.standardMinutes(10));

    assertThat(finals(direct)).containsExactlyInAnyOrderElementsOf(EXPECTED_FINALS);
    assertThat(finals(flink)).containsExactlyInAnyOrderElementsOf(finals(direct));
    assertThat(deadLetters(flink)).containsExactlyInAnyOrderElementsOf(deadLetters(direct));
    // Event 7 is too late for views, users and two top_movies windows.
    assertThat(deadLetters(direct)).hasSize(4).allMatch(d -> d.startsWith("late: "));
  }

  /**
   * An identity is forgotten once the watermark passes its event time plus the dedup horizon; the
   * runners fire event-time timers differently, so expiry is checked on both.
   */
  @Test
  void dedupMemoryExpiresAfterTheHorizonOnBothRunners() {
    for (Setup setup : dedupSetups()) {
      TestStream<String> events =
          TestStream.create(StringUtf8Coder.of())
              .advanceWatermarkTo(at(0))
              .addElements(event("a").at(10).timestamped(), event("b").at(20).timestamped())
              // Past a's horizon (10s + 60s), not b's (20s + 60s).
              .advanceWatermarkTo(at(75))
              .addElements(event("a").at(10).timestamped(), event("b").at(20).timestamped())
              .advanceWatermarkToInfinity();
      String longLateness =
          """
          metrics:
            - name: views
              aggregate: { fn: count }
              window: { size: 1m }
              allowedLateness: 10m
          """;
      List<String> out = run(setup, events, Duration.standardMinutes(1), longLateness);
      assertThat(finals(out))
          .as(setup.name())
          .containsExactly("views [] 12:00-12:01 LATE events=3 value=3 FINAL");
    }
  }

  /**
   * Under a ceiling of 2 h, an hour-long window with 30 min of lateness makes de-duplication
   * remember its events for 1 h 30 min: copies arriving after the default 10 min, and after the
   * window's end within its lateness, are still dropped.
   */
  @Test
  void theHorizonCoversTheLongestWindowAndItsLatenessOnBothRunners() {
    String hourly =
        """
        metrics:
          - name: hourly
            aggregate: { fn: count }
            window: { size: 1h }
            allowedLateness: 30m
        """;
    for (Setup setup : dedupSetups()) {
      TestStream<String> events =
          TestStream.create(StringUtf8Coder.of())
              .advanceWatermarkTo(at(0))
              .addElements(event("a").at(10).timestamped())
              // 20 min of event time later, inside the window.
              .advanceWatermarkTo(at(20 * 60))
              .addElements(event("a").at(10).timestamped(), event("b").at(20 * 60).timestamped())
              // After the window's end, within its lateness: 1 h 20 min after a's time.
              .advanceWatermarkTo(at(80 * 60))
              .addElements(event("a").at(10).timestamped(), event("b").at(20 * 60).timestamped())
              .advanceWatermarkToInfinity();
      List<String> out = run(setup, events, Duration.standardHours(2), hourly);
      assertThat(finals(out))
          .as(setup.name())
          .containsExactly("hourly [] 12:00-13:00 LATE events=2 value=2 FINAL");
      assertThat(deadLetters(out)).as(setup.name()).isEmpty();
    }
  }

  /**
   * With only a one-minute definition, a ceiling of 2 h does not make de-duplication remember for 2
   * h: a copy 30 min later has been forgotten, reaches aggregation and is dead-lettered as late
   * instead of being dropped as a duplicate.
   *
   * <p>The watermark first passes the window's close, then the identity's expiry, as a source's
   * watermark does: on Flink, a stage emits a watermark only once the bundle in which it fired
   * timers is done, so a copy let through in that bundle can reach aggregation ahead of it.
   */
  @Test
  void theHorizonFollowsTheDefinitionsNotTheCeilingOnBothRunners() {
    String minutely =
        """
        metrics:
          - name: views
            aggregate: { fn: count }
            window: { size: 1m }
        """;
    for (Setup setup : dedupSetups()) {
      TestStream<String> events =
          TestStream.create(StringUtf8Coder.of())
              .advanceWatermarkTo(at(0))
              .addElements(event("a").at(10).timestamped())
              // The window is closed; a's identity (expiring at 2 min) is still remembered.
              .advanceWatermarkTo(at(90))
              .advanceWatermarkTo(at(30 * 60))
              .addElements(event("a").at(10).timestamped())
              .advanceWatermarkToInfinity();
      List<String> out = run(setup, events, Duration.standardHours(2), minutely);
      assertThat(finals(out))
          .as(setup.name())
          .containsExactly("views [] 12:00-12:01 ON_TIME events=1 value=1 FINAL");
      assertThat(deadLetters(out))
          .as(setup.name())
          .singleElement()
          .satisfies(d -> assertThat(d).startsWith("late: "));
    }
  }

  /**
   * Copies of one identity in one batch, in later batches and with another event time (another
   * bucket of the horizon) are dropped by each layout of de-duplication's state, on each runner and
   * state backend that layout is meant for; the first arrival's event time decides its window.
   */
  @Test
  void copiesAreDroppedWhateverTheirBatchOrEventTimeInEveryStateLayout() {
    String views =
        """
        metrics:
          - name: views
            aggregate: { fn: count }
            window: { size: 5m }
            allowedLateness: 1m
        """;
    for (Setup setup : dedupSetups()) {
      TestStream<String> events =
          TestStream.create(StringUtf8Coder.of())
              .advanceWatermarkTo(at(0))
              .addElements(
                  event("a").at(10).timestamped(),
                  event("a").at(10).timestamped(),
                  event("b").at(20).timestamped())
              .advanceWatermarkTo(at(30))
              .addElements(
                  event("a").at(10).timestamped(),
                  // Another minute, so another bucket: still a copy of a.
                  event("b").at(130).timestamped(),
                  event("c").at(130).timestamped(),
                  event("c").at(131).timestamped())
              .advanceWatermarkTo(at(200))
              .addElements(event("a").at(190).timestamped(), event("d").at(190).timestamped())
              .advanceWatermarkToInfinity();
      List<String> out = run(setup, events, Duration.standardMinutes(10), views);
      assertThat(finals(out))
          .as(setup.name())
          .containsExactly("views [] 12:00-12:05 LATE events=4 value=4 FINAL");
    }
  }

  /** Where the Flink RocksDB setups keep their checkpoint storage. */
  @TempDir static Path rocksDbStorage;

  /** A runner, its state backend, and the layout of de-duplication's state meant for it. */
  record Setup(String name, PipelineOptions options, DeduplicateEvents.Layout layout) {}

  /** Each layout on the direct runner and on Flink with the state backend it is meant for. */
  static List<Setup> dedupSetups() {
    FlinkPipelineOptions rocksDb = flinkOptions().as(FlinkPipelineOptions.class);
    rocksDb.setStateBackend("rocksdb");
    rocksDb.setStateBackendStoragePath(rocksDbStorage.toUri().toString());
    return List.of(
        new Setup("direct, table", directOptions(), DeduplicateEvents.Layout.TABLE),
        new Setup("Flink heap, table", flinkOptions(), DeduplicateEvents.Layout.TABLE),
        new Setup("direct, entries", directOptions(), DeduplicateEvents.Layout.ENTRIES),
        new Setup("Flink RocksDB, entries", rocksDb, DeduplicateEvents.Layout.ENTRIES));
  }

  private static List<String> run(
      PipelineOptions options, TestStream<String> events, Duration horizon) {
    return run(new Setup("", options, DeduplicateEvents.Layout.TABLE), events, horizon, METRICS);
  }

  private static List<String> run(
      Setup setup, TestStream<String> events, Duration horizon, String metrics) {
    String runId = UUID.randomUUID().toString();
    COLLECTED.put(runId, new ConcurrentLinkedQueue<>());
    Pipeline p = Pipeline.create(setup.options());
    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> result =
        p.apply(events)
            .apply(
                StreamingAggregation.of(StreamingAggregationTest.catalog(metrics))
                    .withDedupHorizon(horizon)
                    .withDedupLayout(setup.layout()));
    result.output().apply("CollectUpdates", ParDo.of(new Collect<WindowUpdate>(runId)));
    result.failures().apply("CollectDeadLetters", ParDo.of(new Collect<DeadLetter>(runId)));
    p.run().waitUntilFinish();
    return List.copyOf(COLLECTED.remove(runId));
  }

  private static List<String> finals(List<String> collected) {
    return collected.stream().filter(s -> s.endsWith(" FINAL")).toList();
  }

  private static List<String> deadLetters(List<String> collected) {
    return collected.stream()
        .filter(s -> s.startsWith("late: ") || s.startsWith("invalid: "))
        .toList();
  }

  static PipelineOptions directOptions() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    return options;
  }

  static PipelineOptions flinkOptions() {
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setStreaming(true);
    // A TestStream is one ordered stream. With parallel stages, Flink forwards each watermark on
    // every channel independently, and a stage applies a watermark only once its current bundle
    // is done, so an element sent after a watermark can overtake it: correct behaviour, but one
    // that would make these scenarios racy. One subtask per stage and one element per bundle
    // keep the scenario's order.
    options.setParallelism(1);
    options.setMaxBundleSize(1L);
    options.setShutdownSourcesAfterIdleMs(0L);
    return options;
  }

  /** Records what reaches it in this JVM, where both runners execute here. */
  static final class Collect<T> extends DoFn<T, Void> {
    private final String runId;

    Collect(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void process(@Element T element) {
      String line =
          element instanceof WindowUpdate u
              ? Panes.describe(u)
              : ((DeadLetter) element).reason().wireName() + ": " + ((DeadLetter) element).detail();
      COLLECTED.get(runId).add(line);
    }
  }
}
