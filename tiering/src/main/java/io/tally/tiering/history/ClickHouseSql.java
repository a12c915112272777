package io.tally.tiering.history;

import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The SQL of the ClickHouse history tier. Kept to what ClickHouse 18.16 (Debian's) and current
 * releases both accept: no TTL, no LowCardinality; {@code ReplacingMergeTree(version)} and {@code
 * FINAL} exist in both.
 *
 * <p>Each resolution has one table, one row per window: {@code (metric, window start, version,
 * group values, window end)} is the sorting key, so a window written again replaces the old row
 * when parts merge, and the engine's version column is {@code events}: of two rows of one window
 * the one with more events wins — the monotonic rule of the whole system — and of equal ones the
 * last inserted. Reads use {@code FINAL}, which applies that replacement at read time, so rows not
 * merged yet never count twice.
 */
final class ClickHouseSql {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  static final List<String> COLUMNS =
      List.of(
          "metric",
          "version",
          "fn",
          "k",
          "slide_ms",
          "group_by",
          "group_values",
          "window_start_ms",
          "window_end_ms",
          "events",
          "value",
          "accumulator",
          "written_at");

  /** What reads select: the accumulator as hex, so that no driver decodes its bytes as text. */
  static final String SELECT_COLUMNS =
      String.join(", ", COLUMNS.subList(0, COLUMNS.size() - 2))
          + ", hex(accumulator) AS accumulator_hex, written_at";

  private ClickHouseSql() {}

  record Query(String sql, List<Object> parameters) {
    Query {
      parameters = List.copyOf(parameters);
    }
  }

  static String database(String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("not a database name: '" + name + "'");
    }
    return name;
  }

  static String table(String database, Resolution resolution) {
    return database(database) + "." + resolution.table();
  }

  static String createDatabase(String database) {
    return "CREATE DATABASE IF NOT EXISTS " + database(database);
  }

  static String createTable(String database, Resolution resolution) {
    return "CREATE TABLE IF NOT EXISTS "
        + table(database, resolution)
        + " (\n"
        + "  metric String,\n"
        + "  version UInt64,\n"
        + "  fn String,\n"
        + "  k UInt16,\n"
        + "  slide_ms Int64,\n"
        + "  group_by Array(String),\n"
        + "  group_values Array(String),\n"
        + "  window_start_ms Int64,\n"
        + "  window_end_ms Int64,\n"
        + "  events UInt64,\n"
        + "  value Float64,\n"
        + "  accumulator String,\n"
        + "  written_at UInt64\n"
        + ") ENGINE = ReplacingMergeTree(events)\n"
        + "PARTITION BY "
        + resolution.partitionFunction()
        + "(toDateTime(intDiv(window_start_ms, 1000), 'UTC'))\n"
        + "ORDER BY (metric, window_start_ms, version, group_values, window_end_ms)";
  }

  static String insert(String database, Resolution resolution) {
    return "INSERT INTO "
        + table(database, resolution)
        + " ("
        + String.join(", ", COLUMNS)
        + ") VALUES ("
        + String.join(", ", COLUMNS.stream().map(c -> "?").toList())
        + ")";
  }

  /**
   * The windows of one metric whose start is in {@code [from, to)} and whose group has the given
   * values. A dimension the metric does not group by matches nothing, as in the hot tier.
   */
  static Query select(String database, Resolution resolution, WindowQuery query) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(SELECT_COLUMNS)
            .append(" FROM ")
            .append(table(database, resolution))
            .append(" FINAL WHERE metric = ? AND window_start_ms >= ? AND window_start_ms < ?");
    List<Object> parameters =
        new ArrayList<>(List.of(query.metric(), query.fromMillis(), query.toMillis()));
    for (Map.Entry<String, String> condition : new TreeMap<>(query.where()).entrySet()) {
      sql.append(" AND has(group_by, ?) AND group_values[indexOf(group_by, ?)] = ?");
      parameters.add(condition.getKey());
      parameters.add(condition.getKey());
      parameters.add(condition.getValue());
    }
    sql.append(" ORDER BY window_start_ms, group_values, version, window_end_ms");
    return new Query(sql.toString(), parameters);
  }

  /**
   * The finer windows a rollup into {@code coarse} reads, for coarse windows starting in {@code
   * [from, to)}: every window of the finer table, and for days also the minute windows whose size
   * does not divide an hour (those never reach the hour table).
   */
  static List<Query> rollupSources(String database, Resolution coarse, long from, long to) {
    Resolution finer = coarse.finer();
    if (finer == null) {
      throw new IllegalArgumentException("nothing rolls up into " + coarse);
    }
    List<Query> queries = new ArrayList<>();
    queries.add(
        new Query(
            "SELECT "
                + SELECT_COLUMNS
                + " FROM "
                + table(database, finer)
                + " FINAL WHERE window_start_ms >= ? AND window_start_ms < ?",
            List.of(from, to)));
    if (finer != Resolution.MINUTE) {
      queries.add(
          new Query(
              "SELECT "
                  + SELECT_COLUMNS
                  + " FROM "
                  + table(database, Resolution.MINUTE)
                  + " FINAL WHERE window_start_ms >= ? AND window_start_ms < ?"
                  + " AND window_end_ms > window_start_ms"
                  + " AND "
                  + finer.sizeMillis()
                  + " % (window_end_ms - window_start_ms) != 0",
              List.of(from, to)));
    }
    return queries;
  }
}
