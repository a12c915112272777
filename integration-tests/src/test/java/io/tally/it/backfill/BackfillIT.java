package io.tally.it.backfill;

import static io.tally.it.backfill.Replays.DAY0;
import static io.tally.it.backfill.Replays.SPAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tally.it.support.ClickHouseServer;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.WindowUpdate;
import io.tally.runners.backfill.BackfillCommand;
import io.tally.tiering.archive.ClickHouseEventArchive;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The backfill command against a real ClickHouse: the streaming pipeline archives its events and
 * writes its windows; a backfill of the same range from the archive, on the direct and on the
 * embedded Flink runner (batch mode), writes the same windows; and running it again changes
 * nothing. The direct runner is run once only: it is slow with keyed state and timers.
 */
@ExtendWith(ClickHouseServer.class)
class BackfillIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(BackfillIT.class);
  private static final int EVENTS = 2_000;

  @TempDir static Path dir;

  @BeforeAll
  static void streamTheEvents() {
    Replays.stream(Replays.events(11, EVENTS), Replays.config(DATABASE), Replays.config(DATABASE));
  }

  @Test
  void theArchiveHoldsEveryAcceptedEventOnce() {
    ClickHouseEventArchive archive = new ClickHouseEventArchive(Replays.config(DATABASE));
    // Every event is in one window of the count by category: its events add up to them all.
    long counted =
        Replays.windows(Replays.config(DATABASE), DAY0 - 60_000, DAY0 + SPAN).stream()
            .filter(w -> w.metric().equals("views_by_category"))
            .mapToLong(WindowUpdate::events)
            .sum();

    assertThat(counted).isGreaterThan(EVENTS * 9 / 10).isLessThan(EVENTS);
    assertThat(archive.count(DAY0 - 60_000, DAY0 + SPAN)).isEqualTo(counted);
  }

  @Test
  void aBackfillOnTheDirectRunnerWritesWhatTheStreamingPipelineWrote() {
    String target = DATABASE + "_direct";
    List<WindowUpdate> streamed = Replays.windows(Replays.config(DATABASE), DAY0, DAY0 + SPAN);

    assertThat(backfill("DirectRunner", target)).isZero();

    assertSameWindows(Replays.windows(Replays.config(target), DAY0, DAY0 + SPAN), streamed);
  }

  @Test
  void aBackfillOnFlinkWritesWhatTheStreamingPipelineWroteAndAgainChangesNothing() {
    String target = DATABASE + "_flink";
    List<WindowUpdate> streamed = Replays.windows(Replays.config(DATABASE), DAY0, DAY0 + SPAN);
    assertThat(streamed).hasSizeGreaterThan(200);

    assertThat(backfill("FlinkRunner", target)).isZero();
    List<WindowUpdate> backfilled = Replays.windows(Replays.config(target), DAY0, DAY0 + SPAN);
    assertSameWindows(backfilled, streamed);

    assertThat(backfill("FlinkRunner", target)).isZero();
    List<WindowUpdate> again = Replays.windows(Replays.config(target), DAY0, DAY0 + SPAN);
    assertThat(again)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("accumulator")
        .containsExactlyElementsOf(backfilled);
  }

  private static int backfill(String runner, String historyDatabase) {
    return new CommandLine(new BackfillCommand())
        .execute(
            "--from=2026-11-27T00:00:00Z",
            "--to=2026-11-27T00:20:00Z",
            "--metrics-file=" + Replays.metricsFile(dir),
            "--clickhouse-url=" + ClickHouseServer.jdbcUrl(),
            "--archive-database=" + DATABASE,
            "--history-database=" + historyDatabase,
            "--runner=" + runner,
            "--parallelism=2",
            "--slice=5m",
            "--progress=lines");
  }

  /** Exact for count, sum, rate and top-K; distinct counts within their error bound. */
  static void assertSameWindows(List<WindowUpdate> actual, List<WindowUpdate> expected) {
    assertThat(actual)
        .extracting(WindowUpdate::key)
        .containsExactlyElementsOf(expected.stream().map(WindowUpdate::key).toList());
    for (int i = 0; i < expected.size(); i++) {
      WindowUpdate e = expected.get(i);
      WindowUpdate a = actual.get(i);
      assertThat(a.events()).as("events of %s", e.key()).isEqualTo(e.events());
      assertThat(a.endMillis()).isEqualTo(e.endMillis());
      if (e.fn() == AggregateFunction.DISTINCT) {
        double value = ((MetricValue.Scalar) e.value()).value();
        assertThat(((MetricValue.Scalar) a.value()).value())
            .as("distinct of %s", e.key())
            .isCloseTo(value, within(value * 0.02));
      } else {
        assertThat(a.value()).as("value of %s", e.key()).isEqualTo(e.value());
      }
    }
  }
}
