package io.tally.it.backfill;

import static io.tally.it.backfill.Replays.DAY0;
import static io.tally.it.backfill.Replays.MINUTE;
import static io.tally.it.backfill.Replays.SPAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.support.ClickHouseServer;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.runners.reconcile.ReconcileCommand;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.ClickHouseJdbc;
import io.tally.tiering.history.MetricSpecs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The reconcile command against a real ClickHouse: it finds exactly the windows made wrong in the
 * history tier (one corrupted, one deleted, one that should not exist), repairs them, and then
 * finds none.
 */
@ExtendWith(ClickHouseServer.class)
class ReconcileIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(ReconcileIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  @BeforeAll
  static void streamTheEvents() {
    Replays.stream(Replays.events(23, 1_500), Replays.config(DATABASE), Replays.config(DATABASE));
  }

  @Test
  void findsExactlyTheInjectedDriftRepairsItAndThenFindsNone() throws IOException {
    List<WindowUpdate> streamed = Replays.windows(Replays.config(DATABASE), DAY0, DAY0 + SPAN);
    ClickHouseHistoryStore history =
        new ClickHouseHistoryStore(Replays.config(DATABASE), MetricSpecs.of(Replays.catalog()));

    JsonNode clean = reconcile("clean.json", 0, false);
    assertThat(clean.get("drifts")).isEmpty();

    WindowUpdate corrupted = first(streamed, "views_by_category", DAY0 + 3 * MINUTE);
    WindowUpdate deleted = first(streamed, "value_by_geo", DAY0 + 7 * MINUTE);
    WindowUpdate extra =
        new WindowUpdate(
            "views_by_category",
            corrupted.version(),
            corrupted.fn(),
            corrupted.groupBy(),
            List.of("movies/nothing"),
            DAY0 + 5 * MINUTE,
            DAY0 + 6 * MINUTE,
            new MetricValue.Scalar(4),
            4,
            Timing.ON_TIME,
            true,
            0,
            corrupted.accumulator());
    // More events than the truth: the table would keep this row over a correct rewrite.
    history.write(
        List.of(
            new WindowUpdate(
                corrupted.metric(),
                corrupted.version(),
                corrupted.fn(),
                corrupted.groupBy(),
                corrupted.group(),
                corrupted.startMillis(),
                corrupted.endMillis(),
                new MetricValue.Scalar(999),
                corrupted.events() + 7,
                Timing.ON_TIME,
                true,
                0,
                corrupted.accumulator()),
            extra));
    deleteWindow(deleted);

    JsonNode found = reconcile("found.json", 1, false);
    assertThat(drifts(found))
        .containsExactlyInAnyOrder(
            "VALUE views_by_category " + corrupted.group() + " " + start(corrupted),
            "MISSING value_by_geo " + deleted.group() + " " + start(deleted),
            "EXTRA views_by_category [movies/nothing] " + start(extra));
    JsonNode value = drift(found, "VALUE");
    assertThat(value.get("actual").get("events").asLong()).isEqualTo(corrupted.events() + 7);
    assertThat(value.get("expected").get("events").asLong()).isEqualTo(corrupted.events());
    assertThat(found.get("repaired").asLong()).isZero();

    JsonNode repaired = reconcile("repair.json", 0, true);
    assertThat(drifts(repaired)).hasSize(3);
    assertThat(repaired.get("repaired").asLong()).isEqualTo(3);

    JsonNode after = reconcile("after.json", 0, false);
    assertThat(after.get("drifts")).isEmpty();
    BackfillIT.assertSameWindows(
        Replays.windows(Replays.config(DATABASE), DAY0, DAY0 + SPAN), streamed);
  }

  private static JsonNode reconcile(String report, int expectedExit, boolean repair)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--from=2026-11-27T00:00:00Z",
                "--to=2026-11-27T00:20:00Z",
                "--metrics-file=" + Replays.metricsFile(dir),
                "--clickhouse-url=" + ClickHouseServer.jdbcUrl(),
                "--archive-database=" + DATABASE,
                "--history-database=" + DATABASE,
                "--runner=FlinkRunner",
                "--slice=5m",
                "--progress=none",
                "--report=" + dir.resolve(report)));
    if (repair) {
      args.add("--repair");
    }
    int exit = new CommandLine(new ReconcileCommand()).execute(args.toArray(String[]::new));
    assertThat(exit).as("exit code of reconcile %s", args).isEqualTo(expectedExit);
    return JSON.readTree(dir.resolve(report).toFile());
  }

  private static List<String> drifts(JsonNode report) {
    List<String> drifts = new ArrayList<>();
    for (JsonNode drift : report.get("drifts")) {
      List<String> group = new ArrayList<>();
      drift.get("group").forEach(v -> group.add(v.asText()));
      drifts.add(
          drift.get("kind").asText()
              + " "
              + drift.get("metric").asText()
              + " "
              + group
              + " "
              + drift.get("start").asText());
    }
    return drifts;
  }

  private static JsonNode drift(JsonNode report, String kind) {
    for (JsonNode drift : report.get("drifts")) {
      if (drift.get("kind").asText().equals(kind)) {
        return drift;
      }
    }
    throw new AssertionError("no " + kind + " drift in " + report);
  }

  private static WindowUpdate first(List<WindowUpdate> windows, String metric, long start) {
    return windows.stream()
        .filter(w -> w.metric().equals(metric) && w.startMillis() == start)
        .findFirst()
        .orElseThrow();
  }

  private static String start(WindowUpdate window) {
    return Instant.ofEpochMilli(window.startMillis()).toString();
  }

  private static void deleteWindow(WindowUpdate window) {
    ClickHouseJdbc jdbc = new ClickHouseJdbc(Replays.config(DATABASE));
    jdbc.run(
        "delete a window",
        connection -> {
          try (var statement = connection.createStatement()) {
            statement.execute(
                "ALTER TABLE "
                    + jdbc.table("windows_minute")
                    + " DELETE WHERE metric = '"
                    + window.metric()
                    + "' AND window_start_ms = "
                    + window.startMillis()
                    + " AND group_values = ['"
                    + window.group().get(0)
                    + "']");
          }
          return null;
        });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Replays.windows(Replays.config(DATABASE), DAY0, DAY0 + SPAN).stream()
                    .noneMatch(w -> w.key().equals(window.key())));
  }
}
