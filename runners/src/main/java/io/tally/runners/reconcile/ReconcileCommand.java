package io.tally.runners.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.backfill.Backfill;
import io.tally.pipelines.backfill.Drift;
import io.tally.pipelines.backfill.DriftReport;
import io.tally.pipelines.backfill.Reconciliation;
import io.tally.pipelines.backfill.TimeRange;
import io.tally.runners.backfill.BackfillCommand;
import io.tally.runners.backfill.BackfillRun;
import io.tally.runners.backfill.ReplayOptions;
import io.tally.tiering.feed.KafkaChangeFeedReader;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryRepair;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.ClickHouseJdbc;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Recomputes a range from the raw event archive and compares it, window by window, with what the
 * history tier holds; prints and writes a drift report; with {@code --repair} rewrites the windows
 * that drifted.
 */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Recomputes the windows of the given metrics that start in [--from, --to) from the raw event"
          + " archive (into a scratch database that is dropped afterwards), compares them with the"
          + " history tier (and with --hot-change-feed the hot tier) per metric, group and window,"
          + " prints the drift and writes it as JSON."
          + " Further arguments are Beam options.",
      "Exit codes: 0 no drift beyond the tolerance (or all of it repaired), 1 drift, 2 bad"
          + " arguments; a failure also exits 1."
    })
public final class ReconcileCommand implements Callable<Integer> {
  static final int SHOWN_DRIFTS = 50;
  static final Duration HOT_CATCH_UP = Duration.ofSeconds(120);

  @Mixin ReplayOptions replay;

  @Option(
      names = "--tolerance",
      defaultValue = "0",
      description =
          "Relative difference allowed for events and exact values (${DEFAULT-VALUE});"
              + " distinct counts are always allowed their 2% error bound.")
  double tolerance;

  @Option(
      names = "--report",
      defaultValue = "drift-report.json",
      description = "Where to write the JSON report (${DEFAULT-VALUE}).")
  Path report;

  @Option(
      names = "--repair",
      description =
          "Rewrite the drifted windows in the history tier (missing and differing ones with their recomputed value; extra ones removed).")
  boolean repair;

  @Option(
      names = "--hot-change-feed",
      paramLabel = "BOOTSTRAP_SERVERS",
      description =
          "Also compare the hot tier, as the query service rebuilds it from the change feed"
              + " on this Kafka (its final windows only: it forgets windows after its retention)."
              + " Hot drift is reported, never repaired: the hot tier only takes updates with more events.")
  String hotChangeFeed;

  @Option(
      names = "--change-feed-topic",
      defaultValue = "aggregates",
      description = "The change feed topic (${DEFAULT-VALUE}).")
  String changeFeedTopic;

  @Option(
      names = "--dry-run",
      description = "Compare and report, but repair nothing, even with --repair.")
  boolean dryRun;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  private final PrintStream out;
  private final PrintStream err;

  public ReconcileCommand() {
    this(System.out, System.err);
  }

  ReconcileCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReconcileCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Backfill.Plan plan = replay.plan();
    Reconciliation reconciliation = new Reconciliation(tolerance);
    ClickHouseHistoryStore history = replay.history(plan.metrics());
    HotStore hot = hotChangeFeed == null ? null : hotTier();
    history.createSchema();
    out.printf(
        Locale.ROOT,
        "Reconciliation of %s for %s against history database %s%s%n",
        plan.range(),
        BackfillCommand.names(plan),
        history.config().database(),
        repair ? (dryRun ? " (repair: dry run)" : ", repairing") : "");

    // The recomputation goes to a scratch database of its own: never into the tier it checks.
    ClickHouseConfig scratch =
        history
            .config()
            .withDatabase(
                history.config().database()
                    + "_reconcile_"
                    + UUID.randomUUID().toString().substring(0, 8));
    List<Drift> drifts = new ArrayList<>();
    List<WindowUpdate> correct = new ArrayList<>();
    List<WindowUpdate> extra = new ArrayList<>();
    Map<String, Long> compared = new LinkedHashMap<>();
    BackfillRun.Result recomputed;
    long windowsRecomputed = 0;
    try {
      recomputed =
          BackfillRun.run(
              plan,
              replay.archive().config(),
              scratch,
              BackfillRun.options(replay.runner, replay.parallelism, beamArgs),
              replay.sliceMillis,
              replay.progress,
              err);
      ClickHouseHistoryStore expectedStore =
          new ClickHouseHistoryStore(scratch, MetricSpecs.of(plan.metrics()));
      for (MetricDefinition metric : plan.metrics().definitions()) {
        List<WindowUpdate> expected = minuteWindows(expectedStore, metric, plan.range());
        List<WindowUpdate> actual = minuteWindows(history, metric, plan.range());
        windowsRecomputed += expected.size();
        compared.merge("history", (long) actual.size(), Long::sum);
        List<Drift> found = reconciliation.compareComplete("history", expected, actual);
        drifts.addAll(found);
        collectRepairs(found, expected, actual, correct, extra);
        if (hot != null) {
          List<WindowUpdate> held = ofVersion(hot.windows(query(metric, plan.range())), metric);
          compared.merge("hot", held.stream().filter(WindowUpdate::isFinal).count(), Long::sum);
          drifts.addAll(reconciliation.comparePartial("hot", expected, held));
        }
      }
    } finally {
      dropDatabase(scratch);
    }

    long repaired = 0;
    if (repair && !dryRun && !(correct.isEmpty() && extra.isEmpty())) {
      new ClickHouseHistoryRepair(history).repair(correct, extra);
      repaired = correct.size() + extra.size();
    }
    DriftReport result =
        new DriftReport(
            Instant.ofEpochMilli(plan.range().fromMillis()).toString(),
            Instant.ofEpochMilli(plan.range().toMillis()).toString(),
            plan.metrics().definitions().stream().map(MetricDefinition::name).toList(),
            tolerance,
            recomputed.eventsRead(),
            windowsRecomputed,
            compared,
            drifts,
            repaired);
    writeReport(result);
    printSummary(result);
    return result.hasDrift() && repaired < drifts.size() ? 1 : 0;
  }

  /** The hot tier as the query service holds it: rebuilt from the whole compacted change feed. */
  private HotStore hotTier() throws InterruptedException {
    InMemoryHotStore hot = new InMemoryHotStore();
    try (KafkaChangeFeedReader reader =
        new KafkaChangeFeedReader(
            Map.of("bootstrap.servers", hotChangeFeed), changeFeedTopic, hot)) {
      reader.start();
      if (!reader.awaitCaughtUp(HOT_CATCH_UP)) {
        throw new IllegalStateException(
            "the change feed "
                + changeFeedTopic
                + " at "
                + hotChangeFeed
                + " was not read to its end within "
                + HOT_CATCH_UP.toSeconds()
                + " s");
      }
    }
    return hot;
  }

  private static WindowQuery query(MetricDefinition metric, TimeRange range) {
    return new WindowQuery(metric.name(), range.fromMillis(), range.toMillis(), Map.of());
  }

  /** Windows of other versions of the metric were computed under other definitions. */
  private static List<WindowUpdate> ofVersion(List<WindowUpdate> windows, MetricDefinition metric) {
    return windows.stream().filter(w -> w.version() == metric.version()).toList();
  }

  private static List<WindowUpdate> minuteWindows(
      ClickHouseHistoryStore store, MetricDefinition metric, TimeRange range) {
    return ofVersion(store.windows(Resolution.MINUTE, query(metric, range)), metric);
  }

  /** Missing and differing windows get their recomputed value; extra ones are removed. */
  private static void collectRepairs(
      List<Drift> found,
      List<WindowUpdate> expected,
      List<WindowUpdate> actual,
      List<WindowUpdate> correct,
      List<WindowUpdate> extra) {
    for (Drift drift : found) {
      List<WindowUpdate> side = drift.kind() == Drift.Kind.EXTRA ? actual : expected;
      WindowUpdate window =
          side.stream()
              .filter(
                  w ->
                      w.groupMap().equals(drift.group())
                          && Instant.ofEpochMilli(w.startMillis()).toString().equals(drift.start())
                          && Instant.ofEpochMilli(w.endMillis()).toString().equals(drift.end()))
              .findFirst()
              .orElseThrow();
      (drift.kind() == Drift.Kind.EXTRA ? extra : correct).add(window);
    }
  }

  private static void dropDatabase(ClickHouseConfig config) {
    new ClickHouseJdbc(config)
        .run(
            "drop the scratch database " + config.database(),
            connection -> {
              try (var statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + config.database());
              }
              return null;
            });
  }

  private void writeReport(DriftReport result) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path parent = report.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    json.writeValue(report.toFile(), result);
  }

  private void printSummary(DriftReport result) {
    List<Drift> drifts = result.drifts();
    for (int i = 0; i < Math.min(SHOWN_DRIFTS, drifts.size()); i++) {
      out.println("  " + drifts.get(i).describe());
    }
    if (drifts.size() > SHOWN_DRIFTS) {
      out.printf(
          Locale.ROOT, "  ... and %,d more (all in the report)%n", drifts.size() - SHOWN_DRIFTS);
    }
    Map<Drift.Kind, Long> byKind = new LinkedHashMap<>();
    for (Drift drift : drifts) {
      byKind.merge(drift.kind(), 1L, Long::sum);
    }
    out.printf(
        Locale.ROOT,
        "Reconciliation done: %,d events read, %,d windows recomputed, %s compared; %s%s; report %s%n",
        result.eventsRead(),
        result.windowsRecomputed(),
        result.compared(),
        drifts.isEmpty() ? "no drift" : drifts.size() + " drifted windows " + byKind,
        result.repaired() > 0 ? ", " + result.repaired() + " repaired" : "",
        report);
  }
}
