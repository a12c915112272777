package io.tally.transforms;

import static io.tally.transforms.TestEvents.at;
import static io.tally.transforms.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tally.model.metric.Definitions;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricVersion;
import io.tally.model.update.WindowUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Definitions added, changed and deleted in the middle of a stream: every version's final results
 * are exactly what a fresh pipeline running only that definition computes from the same events,
 * restricted to the version's time in force.
 */
class DefinitionChangesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Set<String>> COLLECTED = new ConcurrentHashMap<>();

  private static final long PLAYS_ADDED = 90;
  private static final long VIEWS_CHANGED = 150;
  private static final long VIEWS_DELETED = 300;

  private static final MetricDefinition VIEWS_V1 =
      Definitions.of(
          "{name: views, groupBy: [category], aggregate: {fn: count}, window: {size: 1m},"
              + " allowedLateness: 2m}",
          1);

  /** Version 2 changes the window and the filter. */
  private static final MetricDefinition VIEWS_V2 =
      Definitions.of(
          "{name: views, filter: {type: [movie.view]}, groupBy: [category],"
              + " aggregate: {fn: count}, window: {size: 30s}, allowedLateness: 2m}",
          2);

  private static final MetricDefinition PLAYS =
      Definitions.of(
          "{name: plays, groupBy: [type], aggregate: {fn: sum}, window: {size: 1m, slide: 30s},"
              + " allowedLateness: 1m}",
          1);

  private static final List<MetricVersion> VIEWS_HISTORY =
      List.of(
          MetricVersion.of(VIEWS_V1, MetricVersion.ALWAYS),
          MetricVersion.of(VIEWS_V2, millis(VIEWS_CHANGED)),
          MetricVersion.deletion("views", 3, millis(VIEWS_DELETED)));
  private static final List<MetricVersion> PLAYS_HISTORY =
      List.of(MetricVersion.of(PLAYS, millis(PLAYS_ADDED)));

  @Test
  void eachVersionCountsExactlyWhatAFreshPipelineCountsFromItsActivation() {
    MetricCatalog changing = MetricCatalog.ofHistories(List.of(VIEWS_HISTORY, PLAYS_HISTORY));
    Set<String> all = run(changing, ts -> true);

    Set<String> expected = new TreeSet<>();
    expected.addAll(fresh(VIEWS_V1, Long.MIN_VALUE, millis(VIEWS_CHANGED)));
    expected.addAll(fresh(VIEWS_V2, millis(VIEWS_CHANGED), millis(VIEWS_DELETED)));
    expected.addAll(fresh(PLAYS, millis(PLAYS_ADDED), Long.MAX_VALUE));
    assertThat(all).isEqualTo(expected);

    // The comparison is not vacuous: every version has results, of its own shape.
    assertThat(all).anyMatch(s -> s.startsWith("views v1 [movies/action] 12:02:00-12:03:00"));
    assertThat(all).anyMatch(s -> s.startsWith("views v2 [movies/action] 12:02:30-12:03:00"));
    assertThat(all).anyMatch(s -> s.startsWith("plays v1 [movie.play] 12:01:00-12:02:00"));
    // A deleted metric stops: nothing of views starts at or after its deletion.
    assertThat(all)
        .filteredOn(s -> s.startsWith("views"))
        .noneMatch(s -> s.contains(" 12:05:00-") || s.contains(" 12:06:"));
    // Version 1's last window holds the events from 120 s until the change at 150 s (120, 130
    // and 140 s in this category), the one at 140 s arriving after the watermark passed 170 s.
    assertThat(all).contains("views v1 [movies/action] 12:02:00-12:03:00 events=3 value=3");
  }

  /** What a pipeline that only ever had {@code definition} computes from the events in range. */
  private static Set<String> fresh(MetricDefinition definition, long from, long until) {
    return run(MetricCatalog.of(definition), ts -> ts >= from && ts < until);
  }

  private static Set<String> run(MetricCatalog catalog, LongPredicate eventTimes) {
    String id = UUID.randomUUID().toString();
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    p.apply(stream(eventTimes))
        .apply(
            StreamingAggregation.of(MetricCatalogSource.fixed(catalog))
                .withEarlyFiringDelay(Duration.millis(100))
                .withDedupHorizon(Duration.standardMinutes(10)))
        .output()
        .apply(ParDo.of(new CollectFinal(id)));
    p.run().waitUntilFinish();
    return new TreeSet<>(COLLECTED.getOrDefault(id, Set.of()));
  }

  /**
   * Events every 5 s for 400 s, two types and two categories, with exact duplicates and events
   * arriving after the watermark (within lateness) on both sides of the change.
   */
  private static TestStream<String> stream(LongPredicate eventTimes) {
    TestStream.Builder<String> stream =
        TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(at(0));
    List<TimestampedValue<String>> chunk = new ArrayList<>();
    for (int i = 0; i <= 80; i++) {
      long seconds = i * 5L;
      if (seconds == 140 || seconds == 145 || seconds == 155) {
        continue; // sent late, below
      }
      chunk.add(eventAt("e" + i, seconds));
      if (i % 10 == 0) {
        chunk.add(eventAt("e" + i, seconds)); // a duplicate: counted once
      }
      if (chunk.size() >= 8) {
        stream = addAll(stream, chunk, eventTimes).advanceWatermarkTo(at(seconds - 5));
        chunk.clear();
      }
      if (seconds == 175) {
        stream =
            addAll(
                    stream,
                    List.of(eventAt("e28", 140), eventAt("e29", 145), eventAt("e31", 155)),
                    eventTimes)
                .advanceWatermarkTo(at(seconds - 5));
      }
    }
    return addAll(stream, chunk, eventTimes).advanceWatermarkToInfinity();
  }

  private static TestStream.Builder<String> addAll(
      TestStream.Builder<String> stream,
      List<TimestampedValue<String>> events,
      LongPredicate eventTimes) {
    List<TimestampedValue<String>> kept = new ArrayList<>();
    for (TimestampedValue<String> e : events) {
      if (eventTimes.test(e.getTimestamp().getMillis())) {
        kept.add(e);
      }
    }
    if (kept.isEmpty()) {
      return stream;
    }
    @SuppressWarnings("unchecked")
    TimestampedValue<String>[] array = kept.toArray(new TimestampedValue[0]);
    return stream.addElements(array[0], java.util.Arrays.copyOfRange(array, 1, array.length));
  }

  private static TimestampedValue<String> eventAt(String id, long seconds) {
    int n = Integer.parseInt(id.substring(1));
    return event(id)
        .at(seconds)
        .type(n % 3 == 0 ? "movie.play" : "movie.view")
        .category(n % 2 == 0 ? "movies/action" : "movies/drama")
        .value(n % 4 + 1)
        .timestamped();
  }

  private static long millis(long secondsAfterBase) {
    return at(secondsAfterBase).getMillis();
  }

  /** Final updates, one line each with the version: the results a version leaves. */
  private static final class CollectFinal extends DoFn<WindowUpdate, Void> {
    private final String run;

    CollectFinal(String run) {
      this.run = run;
    }

    @ProcessElement
    public void process(@Element WindowUpdate u) {
      if (u.isFinal()) {
        COLLECTED
            .computeIfAbsent(run, r -> ConcurrentHashMap.newKeySet())
            .add(
                u.metric()
                    + " v"
                    + u.version()
                    + " "
                    + u.group()
                    + " "
                    + time(u.startMillis())
                    + "-"
                    + time(u.endMillis())
                    + " events="
                    + u.events()
                    + " value="
                    + Panes.value(u.value()));
      }
    }

    private static String time(long millis) {
      return Instant.ofEpochMilli(millis).toString().substring(11, 19);
    }
  }
}
