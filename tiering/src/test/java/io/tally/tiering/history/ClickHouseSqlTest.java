package io.tally.tiering.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.tiering.hot.WindowQuery;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClickHouseSqlTest {

  @Test
  void tablesReplaceRowsOfOneWindowKeepingTheMostEvents() {
    String sql = ClickHouseSql.createTable("tally", Resolution.HOUR);
    assertThat(sql)
        .startsWith("CREATE TABLE IF NOT EXISTS tally.windows_hour (")
        .contains("ENGINE = ReplacingMergeTree(events)")
        .contains("ORDER BY (metric, window_start_ms, version, group_values, window_end_ms)")
        .contains("PARTITION BY toYYYYMM(toDateTime(intDiv(window_start_ms, 1000), 'UTC'))")
        .contains("accumulator String")
        .doesNotContain("TTL")
        .doesNotContain("LowCardinality");
    assertThat(ClickHouseSql.createTable("tally", Resolution.MINUTE)).contains("toYYYYMMDD(");
    assertThat(ClickHouseSql.createTable("tally", Resolution.DAY)).contains("toYear(");
  }

  @Test
  void everyColumnIsCreatedAndInserted() {
    String create = ClickHouseSql.createTable("tally", Resolution.MINUTE);
    for (String column : ClickHouseSql.COLUMNS) {
      assertThat(create).contains("  " + column + " ");
    }
    assertThat(ClickHouseSql.insert("tally", Resolution.MINUTE))
        .isEqualTo(
            "INSERT INTO tally.windows_minute (metric, version, fn, k, slide_ms, group_by,"
                + " group_values, window_start_ms, window_end_ms, events, value, accumulator,"
                + " written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
