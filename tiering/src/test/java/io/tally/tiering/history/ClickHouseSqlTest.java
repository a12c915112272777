package io.tally.tiering.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.update.WindowKey;
import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SQL of the history tier, checked against what it must mean (which columns identify a window,
 * which change when it is written again) rather than against the code's own lists.
 */
class ClickHouseSqlTest {

  /**
   * The columns that make a window's identity, by the {@link WindowKey} component they hold, plus
   * its end (windows of one start but different sizes are different windows).
   */
  private static final Map<String, String> IDENTITY =
      Map.of(
          "metric", "metric",
          "version", "version",
          "group", "group_values",
          "startMillis", "window_start_ms");

  /** What two writes of one window may differ in: what it has accumulated, and when. */
  private static final List<String> CHANGES_ON_REWRITE =
      List.of("events", "value", "accumulator", "written_at");

  @Test
  void tablesReplaceRowsOfOneWindowKeepingTheMostEvents() {
    assertThat(Arrays.stream(WindowKey.class.getRecordComponents()).map(c -> c.getName()))
        .as("every part of a window's key has its column")
        .containsExactlyInAnyOrderElementsOf(IDENTITY.keySet());
    for (Resolution resolution : Resolution.values()) {
      String sql = ClickHouseSql.createTable("tally", resolution);
      Map<String, String> columns = createdColumns(sql);
      List<String> sortingKey = tuple(sql, "ORDER BY (");
      // ReplacingMergeTree replaces rows with equal sorting keys: rows of one window must have
      // equal keys (nothing that changes between writes is in it), rows of different windows
      // different ones (all of the identity is in it).
      assertThat(sortingKey)
          .as(resolution.name())
          .doesNotContainAnyElementsOf(CHANGES_ON_REWRITE)
          .containsAll(IDENTITY.values())
          .contains("window_end_ms");
      assertThat(columns.keySet()).containsAll(sortingKey);
      // Of rows with one key, it keeps the one with the largest version column: the most events.
      assertThat(sql).contains("ENGINE = ReplacingMergeTree(events)");
      assertThat(columns.get("events")).startsWith("UInt");
      // What both ClickHouse 18.16 and current releases accept.
      assertThat(sql).doesNotContain("TTL").doesNotContain("LowCardinality");
    }
    assertThat(ClickHouseSql.createTable("tally", Resolution.HOUR))
        .startsWith("CREATE TABLE IF NOT EXISTS tally.windows_hour (")
        .contains("PARTITION BY toYYYYMM(toDateTime(intDiv(window_start_ms, 1000), 'UTC'))");
    assertThat(ClickHouseSql.createTable("tally", Resolution.MINUTE)).contains("toYYYYMMDD(");
    assertThat(ClickHouseSql.createTable("tally", Resolution.DAY)).contains("toYear(");
  }

  @Test
  void everyColumnIsCreatedAndInserted() {
    for (Resolution resolution : Resolution.values()) {
      List<String> created =
          new ArrayList<>(createdColumns(ClickHouseSql.createTable("tally", resolution)).keySet());
      String insert = ClickHouseSql.insert("tally", resolution);
      assertThat(insert).startsWith("INSERT INTO tally." + resolution.table() + " (");
      // The same columns in the same order, and a value for each.
      assertThat(tuple(insert, "(")).containsExactlyElementsOf(created);
      assertThat(tuple(insert, "VALUES (")).hasSize(created.size()).containsOnly("?");
    }
    assertThat(createdColumns(ClickHouseSql.createTable("tally", Resolution.MINUTE)).keySet())
        .containsExactly(
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
  }

  /** The columns of a CREATE TABLE, in order, with their types. */
  private static Map<String, String> createdColumns(String createTable) {
    String body =
        createTable.substring(createTable.indexOf("(\n") + 2, createTable.indexOf("\n) ENGINE"));
    Map<String, String> columns = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      String[] parts = line.trim().replaceAll(",$", "").split(" ", 2);
      columns.put(parts[0], parts[1]);
    }
    return columns;
  }

  /** The comma-separated names in the parentheses after the first {@code opening}. */
  private static List<String> tuple(String sql, String opening) {
    int from = sql.indexOf(opening) + opening.length();
    return Arrays.stream(sql.substring(from, sql.indexOf(')', from)).split(","))
        .map(String::trim)
        .toList();
  }

  @Test
  void selectsTheLatestRowsOfAMetricInRangeFilteredByGroup() {
    ClickHouseSql.Query query =
        ClickHouseSql.select(
            "tally",
            Resolution.MINUTE,
            new WindowQuery("views", 1000, 2000, Map.of("geo", "US", "category", "movies")));
    assertThat(query.sql())
        .isEqualTo(
            "SELECT metric, version, fn, k, slide_ms, group_by, group_values, window_start_ms,"
                + " window_end_ms, events, value, hex(accumulator) AS accumulator_hex, written_at"
                + " FROM tally.windows_minute FINAL"
                + " WHERE metric = ? AND window_start_ms >= ? AND window_start_ms < ?"
                + " AND has(group_by, ?) AND group_values[indexOf(group_by, ?)] = ?"
                + " AND has(group_by, ?) AND group_values[indexOf(group_by, ?)] = ?"
                + " ORDER BY window_start_ms, group_values, version, window_end_ms");
    assertThat(query.parameters())
        .containsExactly(
            "views", 1000L, 2000L, "category", "category", "movies", "geo", "geo", "US");
  }

  @Test
  void hoursRollUpFromMinutesAndDaysFromHoursPlusMinutesThatSkipHours() {
    List<ClickHouseSql.Query> hour = ClickHouseSql.rollupSources("t", Resolution.HOUR, 0, 10);
    assertThat(hour).hasSize(1);
    assertThat(hour.get(0).sql()).contains("FROM t.windows_minute FINAL");
    assertThat(hour.get(0).parameters()).containsExactly(0L, 10L);

    List<ClickHouseSql.Query> day = ClickHouseSql.rollupSources("t", Resolution.DAY, 0, 10);
    assertThat(day).hasSize(2);
    assertThat(day.get(0).sql()).contains("FROM t.windows_hour FINAL");
    assertThat(day.get(1).sql())
        .contains("FROM t.windows_minute FINAL")
        .contains("3600000 % (window_end_ms - window_start_ms) != 0");
    assertThatThrownBy(() -> ClickHouseSql.rollupSources("t", Resolution.MINUTE, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesDatabaseNamesThatAreNotPlainIdentifiers() {
    assertThatThrownBy(() -> ClickHouseSql.createDatabase("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClickHouseConfig.of("jdbc:clickhouse://h:1/d", "a-b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClickHouseSql.createDatabase("tally_it_1"))
        .isEqualTo("CREATE DATABASE IF NOT EXISTS tally_it_1");
  }

  @Test
  void configNeverPrintsItsProperties() {
    ClickHouseConfig config =
        ClickHouseConfig.of("jdbc:clickhouse://127.0.0.1:8123/default", "tally")
            .withProperty("password", "secret");
    assertThat(config.toString()).doesNotContain("secret");
    assertThat(config.properties()).containsEntry("compress", "false");
    assertThat(config.driverClass()).isEqualTo(ClickHouseConfig.DEFAULT_DRIVER);
  }
}
