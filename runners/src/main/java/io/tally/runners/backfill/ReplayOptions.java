package io.tally.runners.backfill;

import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricCatalog;
import io.tally.pipelines.backfill.Backfill;
import io.tally.pipelines.backfill.TimeRange;
import io.tally.runners.load.GeneratorOptions;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.MetricSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** What the backfill and reconciliation commands share: a range, metrics, servers, runner. */
public final class ReplayOptions {

  @Option(
      names = "--from",
      required = true,
      converter = InstantMillis.class,
      description =
          "Start of the range (inclusive): ISO-8601 UTC like 2026-11-27T00:00:00Z, or epoch ms.")
  long fromMillis;

  @Option(
      names = "--to",
      required = true,
      converter = InstantMillis.class,
      description =
          "End of the range (exclusive), same forms. Windows that start in the range are recomputed, whole.")
  long toMillis;

  @Option(
      names = "--metrics",
      split = ",",
      description = "Metrics to recompute (default: every metric defined).")
  List<String> metrics = new ArrayList<>();

  @Option(
      names = "--metrics-file",
      description = "YAML or JSON metric definitions (default: the built-in examples).")
  Path metricsFile;

  @Option(
      names = "--clickhouse-url",
      defaultValue = "jdbc:clickhouse://127.0.0.1:8123/default",
      description = "ClickHouse JDBC URL of the archive and the history tier (${DEFAULT-VALUE}).")
  String clickhouseUrl;

  @Option(
      names = "--archive-database",
      defaultValue = "tally",
      description = "Database of the raw event archive (${DEFAULT-VALUE}).")
  String archiveDatabase;

  @Option(
      names = "--history-database",
      defaultValue = "tally",
      description = "Database of the history tier (${DEFAULT-VALUE}).")
  String historyDatabase;

  @Option(
      names = "--runner",
      defaultValue = "FlinkRunner",
      description = "FlinkRunner (embedded) or DirectRunner (${DEFAULT-VALUE}).")
  public String runner;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Parallelism (${DEFAULT-VALUE}).")
  public int parallelism;

  @Option(
      names = "--slice",
      defaultValue = "1h",
      converter = GeneratorOptions.DurationMillis.class,
      description =
          "Event time each worker reads from the archive in one query (${DEFAULT-VALUE}).")
  public long sliceMillis;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description =
          "auto (a bar on a terminal, lines otherwise), bar, lines or none (${DEFAULT-VALUE}).")
  public Progress.Style progress;

  TimeRange range() {
    return new TimeRange(fromMillis, toMillis);
  }

  MetricCatalog catalog() throws InvalidDefinitionException {
    MetricCatalog all =
        metricsFile == null ? MetricCatalog.defaults() : MetricCatalog.read(metricsFile);
    return Backfill.select(all, metrics);
  }

  public Backfill.Plan plan() throws InvalidDefinitionException {
    return new Backfill.Plan(catalog(), range());
  }

  public ClickHouseEventArchive archive() {
    return new ClickHouseEventArchive(ClickHouseConfig.of(clickhouseUrl, archiveDatabase));
  }

  public ClickHouseHistoryStore history(MetricCatalog catalog) {
    return new ClickHouseHistoryStore(
        ClickHouseConfig.of(clickhouseUrl, historyDatabase), MetricSpecs.of(catalog));
  }

  /** An instant as ISO-8601 (UTC or with an offset) or epoch milliseconds. */
  static final class InstantMillis implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      if (value.chars().allMatch(Character::isDigit)) {
        return Long.parseLong(value);
      }
      try {
        return Instant.parse(value).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "not an instant: '" + value + "' (ISO-8601 like 2026-11-27T00:00:00Z, or epoch ms)");
      }
    }
  }
}
