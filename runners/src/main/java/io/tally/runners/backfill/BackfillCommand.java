package io.tally.runners.backfill;

import io.tally.model.metric.MetricDefinition;
import io.tally.pipelines.backfill.Backfill;
import io.tally.pipelines.backfill.TimeRange;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.WindowQuery;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Recomputes a range of event time from the raw event archive with the streaming core, in batch,
 * and writes the windows to the history tier. Running it again over the same archive changes
 * nothing: every window is written again in place.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Recomputes the windows of the given metrics that start in [--from, --to) from the raw event"
          + " archive, with the streaming pipeline's own transforms in batch mode, and writes them"
          + " to the history tier (replacing what it holds for them), then rolls hours and days up"
          + " again. Further arguments are Beam options (e.g. --maxBundleSize=10000).",
      "Exit codes: 0 done, 1 failed, 2 bad arguments."
    })
public final class BackfillCommand implements Callable<Integer> {

  @Mixin ReplayOptions replay;

  @Option(
      names = "--dry-run",
      description = "Show what would be read and rewritten, and change nothing.")
  boolean dryRun;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  private final PrintStream out;
  private final PrintStream err;

  public BackfillCommand() {
    this(System.out, System.err);
  }

  BackfillCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BackfillCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Backfill.Plan plan = replay.plan();
    TimeRange read = plan.readRange();
    ClickHouseConfig archive = replay.archive().config();
    ClickHouseHistoryStore history = replay.history(plan.metrics());
    out.printf(Locale.ROOT, "Backfill of %s for %s%n", plan.range(), names(plan));
    out.printf(
        Locale.ROOT,
        "reads the archive %s over %s (database %s), writes history database %s%n",
        read,
        replay.clickhouseUrl,
        archive.database(),
        history.config().database());
    if (dryRun) {
      long events = replay.archive().count(read.fromMillis(), read.toMillis());
      out.printf(Locale.ROOT, "dry run: %,d archived events to read%n", events);
      for (MetricDefinition metric : plan.metrics().definitions()) {
        String stored;
        try {
          stored = String.format(Locale.ROOT, "%,d", storedWindows(history, metric, plan.range()));
        } catch (HistoryStoreException e) {
          stored = "no history tables yet, so no";
        }
        out.printf(
            Locale.ROOT,
            "dry run: %s v%d: %s minute windows stored now would be rewritten%n",
            metric.name(),
            metric.version(),
            stored);
      }
      out.println("dry run: nothing written");
      return 0;
    }
    BackfillRun.Result result =
        BackfillRun.run(
            plan,
            archive,
            history.config(),
            BackfillRun.options(replay.runner, replay.parallelism, beamArgs),
            replay.sliceMillis,
            replay.progress,
            err);
    out.printf(
        Locale.ROOT,
        "Backfill done: %,d events read (%,d archived in the read range), %,d windows written,"
            + " in %.1f s (%,.0f events/s)%n",
        result.eventsRead(),
        result.eventsInArchive(),
        result.windowsWritten(),
        result.seconds(),
        result.eventsPerSecond());
    return 0;
  }

  public static String names(Backfill.Plan plan) {
    return String.join(
        ", ",
        plan.metrics().definitions().stream().map(d -> d.name() + " v" + d.version()).toList());
  }

  static long storedWindows(
      ClickHouseHistoryStore history, MetricDefinition metric, TimeRange range) {
    return history
        .windows(
            Resolution.MINUTE,
            new WindowQuery(metric.name(), range.fromMillis(), range.toMillis(), Map.of()))
        .stream()
        .filter(w -> w.version() == metric.version())
        .count();
  }
}
