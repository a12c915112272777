package io.tally.tiering.tiers;

import static io.tally.tiering.tiers.TierWindows.HOUR;
import static io.tally.tiering.tiers.TierWindows.MINUTE;
import static io.tally.tiering.tiers.TierWindows.T0;
import static io.tally.tiering.tiers.TierWindows.hot;
import static io.tally.tiering.tiers.TierWindows.spec;
import static io.tally.tiering.tiers.TierWindows.window;
import static io.tally.tiering.tiers.TierWindows.withoutAccumulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TieredWindowReaderTest {
  private static final MetricSpec COUNT = spec(AggregateFunction.COUNT, MINUTE, MINUTE);

  /** The clock: two hours after T0; with a one-hour horizon, the boundary is T0 + 1 h. */
  private static final long NOW = T0 + 2 * HOUR;

  private static final long BOUNDARY = T0 + HOUR;

  private final TierWindows.ListHistory history = new TierWindows.ListHistory();

  private TieredWindowReader reader(InMemoryHotStore memory) {
    return new TieredWindowReader(memory, null, history, HOUR, () -> NOW);
  }

  private static WindowQuery all(long from, long to) {
    return new WindowQuery("m", from, to, Map.of());
  }

  /** One final window per minute of [from, to) in each of two groups. */
  private static List<WindowUpdate> finalMinutes(long from, long to) {
    List<WindowUpdate> windows = new ArrayList<>();
    for (long start = from; start < to; start += MINUTE) {
      windows.add(window(COUNT, "US", start, true, "a", "b"));
      windows.add(window(COUNT, "CA", start, true, "c"));
    }
    return windows;
  }

  @Test
  void aQuerySpanningTheBoundaryTakesOldWindowsFromHistoryAndRecentOnesFromMemory() {
    // History has everything final; memory has only what it has not evicted (the last 90 min).
    history.minutes.addAll(finalMinutes(T0, NOW));
    InMemoryHotStore memory =
        hot(
            finalMinutes(T0 + 30 * MINUTE, NOW).stream()
                .map(TierWindows::withoutAccumulator)
                .toList());

    TieredWindows answer = reader(memory).windows(COUNT, all(T0, NOW), Resolution.MINUTE);

    assertThat(answer.boundaryMillis()).isEqualTo(BOUNDARY);
    assertThat(answer.windows()).hasSize(2 * 120);
    assertThat(answer.windows().stream().mapToLong(WindowUpdate::events).sum()).isEqualTo(3 * 120);
    assertThat(answer.partial()).isFalse();
    assertThat(answer.reads())
        .extracting(TierRead::tier)
        .containsExactly(Tier.MEMORY, Tier.HISTORY);
    TierRead historyRead = answer.reads().get(1);
    assertThat(historyRead.fromMillis()).isEqualTo(T0);
    assertThat(historyRead.toMillis())
        .as("history is not asked past the boundary")
        .isEqualTo(BOUNDARY);
    assertThat(answer.windows())
        .extracting(TieredWindowReaderTest::summary)
        .as("the same as history alone answers")
        .containsExactlyInAnyOrderElementsOf(
            history.minutes.stream().map(TieredWindowReaderTest::summary).toList());
  }

  private static String summary(WindowUpdate w) {
    return w.group() + "@" + w.startMillis() + "=" + w.value() + "/" + w.events();
  }

  @Test
  void aWindowStillInMemoryButNotYetInHistoryIsNotMissing() {
    // The history sink has not written the last minute before the boundary yet.
    history.minutes.addAll(finalMinutes(T0, BOUNDARY - MINUTE));
    InMemoryHotStore memory = hot(finalMinutes(T0 + 30 * MINUTE, NOW));

    TieredWindows answer = reader(memory).windows(COUNT, all(T0, NOW), Resolution.MINUTE);

    assertThat(answer.windows()).hasSize(2 * 120);
  }

  @Test
  void eventsNeverGoDownWhenAWindowCrossesTheBoundary() {
    WindowUpdate early = window(COUNT, "US", BOUNDARY, false, "a", "b");
    WindowUpdate last = window(COUNT, "US", BOUNDARY, true, "a", "b", "c");
    InMemoryHotStore memory = hot(List.of(withoutAccumulator(early)));
    long before =
        reader(memory).windows(COUNT, all(T0, NOW), Resolution.MINUTE).windows().get(0).events();

    // Later: the window is final, in history, and the boundary has passed it; memory lags.
    history.minutes.add(last);
    TieredWindowReader later =
        new TieredWindowReader(memory, null, history, HOUR, () -> NOW + 2 * MINUTE);
    long after = later.windows(COUNT, all(T0, NOW), Resolution.MINUTE).windows().get(0).events();

    assertThat(after).isGreaterThanOrEqualTo(before).isEqualTo(3);
  }

  @Test
  void whenHistoryIsDownTheAnswerComesFromMemoryAndSaysWhatIsMissing() {
    history.minutes.addAll(finalMinutes(T0, NOW));
    history.down = true;
    InMemoryHotStore memory = hot(finalMinutes(T0 + 30 * MINUTE, NOW));

    TieredWindows answer = reader(memory).windows(COUNT, all(T0, NOW), Resolution.MINUTE);

    assertThat(answer.windows()).hasSize(2 * 90);
    assertThat(answer.partial()).isTrue();
    assertThat(answer.reads())
        .filteredOn(read -> !read.available())
        .singleElement()
        .satisfies(
            read -> {
              assertThat(read.tier()).isEqualTo(Tier.HISTORY);
              assertThat(read.error()).contains("Connection refused");
            });
  }

  @Test
  void recentQueriesNeverAskHistory() {
    history.down = true;
    TieredWindows answer =
        reader(hot(finalMinutes(BOUNDARY, NOW)))
            .windows(COUNT, all(BOUNDARY, NOW), Resolution.MINUTE);

    assertThat(answer.partial()).isFalse();
    assertThat(answer.windows()).hasSize(2 * 60);
    assertThat(history.reads).isZero();
  }

  @Test
  void withoutHistoryMemoryAnswersEverything() {
    TieredWindows answer =
        TieredWindowReader.memoryOnly(hot(finalMinutes(T0, NOW)))
            .windows(COUNT, all(T0, NOW), Resolution.MINUTE);

    assertThat(answer.windows()).hasSize(2 * 120);
    assertThat(answer.reads()).extracting(TierRead::tier).containsExactly(Tier.MEMORY);
  }

  @Test
  void hoursComeFromRolledUpRowsWhereThereAreAndFromMinutesWhereNot() {
    // Hour T0 was rolled up, all groups at once (with values that tell them apart from the
    // minutes); hour T0 + 1 h was not.
    history.minutes.addAll(finalMinutes(T0, NOW));
    MetricSpec hourly = spec(AggregateFunction.COUNT, HOUR, HOUR);
    history.hours.add(window(hourly, "US", T0, true, "a", "b", "c"));
    history.hours.add(window(hourly, "CA", T0, true, "c"));
    // Memory holds the last hour without accumulators, the hour after the boundary.
    InMemoryHotStore memory =
        hot(finalMinutes(BOUNDARY, NOW).stream().map(TierWindows::withoutAccumulator).toList());

    TieredWindows answer = reader(memory).windows(COUNT, all(T0, NOW), Resolution.HOUR);

    assertThat(answer.windows())
        .extracting(w -> w.group().get(0) + "@" + (w.startMillis() - T0) / HOUR + "=" + w.events())
        .containsExactlyInAnyOrder("US@0=3", "CA@0=1", "US@1=120", "CA@1=60");
    assertThat(answer.boundaryMillis()).isEqualTo(BOUNDARY);
  }

  @Test
  void theHourTheBoundaryCutsThroughMergesHistorysMinutesBeforeItWithMemorysAfter() {
    // Boundary at T0 + 30 min: memory has evicted the hour's first half, history lacks its last.
    history.minutes.addAll(finalMinutes(T0, T0 + 45 * MINUTE));
    InMemoryHotStore memory =
        hot(
            finalMinutes(T0 + 30 * MINUTE, NOW).stream()
                .map(TierWindows::withoutAccumulator)
                .toList());
    TieredWindowReader reader =
        new TieredWindowReader(memory, null, history, 90 * MINUTE, () -> NOW);

    TieredWindows answer = reader.windows(COUNT, all(T0, NOW), Resolution.HOUR);

    assertThat(answer.boundaryMillis()).isEqualTo(T0 + 30 * MINUTE);
    assertThat(answer.windows())
        .extracting(w -> w.group().get(0) + "@" + (w.startMillis() - T0) / HOUR + "=" + w.events())
        .containsExactlyInAnyOrder("US@0=120", "CA@0=60", "US@1=120", "CA@1=60");
    assertThat(answer.partial()).isFalse();
  }

  @Test
  void hoursOfDistinctMergeHistorysSketchesAndReportWhatMemoryCannotMerge() {
    MetricSpec distinct = spec(AggregateFunction.DISTINCT, MINUTE, MINUTE);
    history.minutes.add(window(distinct, "US", T0, true, "u1", "u2"));
    history.minutes.add(window(distinct, "US", T0 + MINUTE, true, "u2", "u3"));
    InMemoryHotStore memory = hot(List.of(window(distinct, "US", BOUNDARY, false, "u1")));

    TieredWindows answer = reader(memory).windows(distinct, all(T0, NOW), Resolution.HOUR);

    assertThat(answer.windows())
        .singleElement()
        .satisfies(
            hour -> {
              assertThat(hour.startMillis()).isEqualTo(T0);
              assertThat(hour.value()).isEqualTo(new MetricValue.Scalar(3));
            });
    assertThat(answer.partial()).isTrue();
    assertThat(answer.leftOut()).singleElement().asString().contains("final windows only");
  }

  @Test
  void aResolutionTheMetricsWindowsDoNotTileIsRefused() {
    assertThatThrownBy(
            () ->
                reader(hot(List.of()))
                    .windows(
                        spec(AggregateFunction.COUNT, 7 * MINUTE, 7 * MINUTE),
                        all(T0, NOW),
                        Resolution.HOUR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not divide");
  }

  @Test
  void gapsAreTheRunsOfMissingCoarseStarts() {
    assertThat(TieredWindowReader.gaps(java.util.Set.of(1L, 2L, 5L), 0, 7, 1))
        .containsExactly(new long[] {0, 1}, new long[] {3, 5}, new long[] {6, 7});
  }

  @Test
  void withoutHistoryARangeOlderThanTheHotTierKeepsIsAnsweredInPartAndSaysSo() {
    InMemoryHotStore memory = hot(finalMinutes(NOW - 30 * MINUTE, NOW));
    TieredWindowReader noHistory = new TieredWindowReader(memory, null, null, HOUR, () -> NOW);

    TieredWindows old = noHistory.windows(COUNT, all(T0, NOW), Resolution.MINUTE);
    TieredWindows recent = noHistory.windows(COUNT, all(NOW - 30 * MINUTE, NOW), Resolution.MINUTE);

    // Windows that ended more than an hour ago (started before NOW - 61 min) are gone.
    assertThat(old.windows()).hasSize(60);
    assertThat(old.leftOut())
        .singleElement()
        .asString()
        .contains(java.time.Instant.ofEpochMilli(T0).toString())
        .contains(java.time.Instant.ofEpochMilli(NOW - HOUR - MINUTE).toString())
        .contains("no history tier");
    assertThat(recent.windows()).hasSize(60);
    assertThat(recent.leftOut()).isEmpty();
  }
}
