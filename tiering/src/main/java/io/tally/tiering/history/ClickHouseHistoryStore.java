package io.tally.tiering.history;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.WindowQuery;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The history tier in ClickHouse, over JDBC (see {@link ClickHouseSql} for the tables). Every
 * operation takes its own connection — the drivers speak HTTP, so a connection is cheap — which
 * keeps the store safe for concurrent use without a pool.
 */
public final class ClickHouseHistoryStore implements HistoryStore {
  private final ClickHouseConfig config;
  private final MetricSpecs specs;
  private final LongSupplier clock;
  private final ClickHouseJdbc jdbc;

  public ClickHouseHistoryStore(ClickHouseConfig config, MetricSpecs specs) {
    this(config, specs, System::currentTimeMillis);
  }

  ClickHouseHistoryStore(ClickHouseConfig config, MetricSpecs specs, LongSupplier clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.specs = Objects.requireNonNull(specs, "specs");
    this.clock = clock;
    this.jdbc = new ClickHouseJdbc(config);
  }

  public ClickHouseConfig config() {
    return config;
  }

  @Override
  public void ping() {
    jdbc.run(
        "answer SELECT 1",
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet result = statement.executeQuery("SELECT 1")) {
            result.next();
          }
          return null;
        });
  }

  @Override
  public void createSchema() {
    jdbc.run(
        "create the history schema in database " + config.database(),
        connection -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute(ClickHouseSql.createDatabase(config.database()));
            for (Resolution resolution : Resolution.values()) {
              statement.execute(ClickHouseSql.createTable(config.database(), resolution));
            }
          }
          return null;
        });
  }

  @Override
  public void write(List<WindowUpdate> finalUpdates) {
    if (finalUpdates.isEmpty()) {
      return;
    }
    long now = clock.getAsLong();
    List<HistoryRow> rows = new ArrayList<>(finalUpdates.size());
    for (WindowUpdate update : finalUpdates) {
      rows.add(HistoryRow.of(update, specs, now));
    }
    writeRows(Resolution.MINUTE, rows);
  }

  void writeRows(Resolution resolution, List<HistoryRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    jdbc.run(
        "write " + rows.size() + " windows to " + resolution.table(),
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(ClickHouseSql.insert(config.database(), resolution))) {
            for (HistoryRow row : rows) {
              bind(connection, insert, row);
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  private static void bind(Connection connection, PreparedStatement insert, HistoryRow row)
      throws SQLException {
    int i = 1;
    insert.setString(i++, row.metric());
    insert.setLong(i++, row.version());
    insert.setString(i++, row.fn().wireName());
    insert.setInt(i++, row.k());
    insert.setLong(i++, row.slideMillis());
    insert.setArray(i++, connection.createArrayOf("String", row.groupBy().toArray(new String[0])));
    insert.setArray(i++, connection.createArrayOf("String", row.group().toArray(new String[0])));
    insert.setLong(i++, row.startMillis());
    insert.setLong(i++, row.endMillis());
    insert.setLong(i++, row.events());
    insert.setDouble(i++, row.value());
    insert.setBytes(i++, row.accumulator());
    insert.setLong(i, row.writtenAt());
  }

  @Override
  public List<WindowUpdate> windows(Resolution resolution, WindowQuery query) {
    List<HistoryRow> rows =
        read(
            "read " + query.metric() + " from " + resolution.table(),
            List.of(ClickHouseSql.select(config.database(), resolution, query)));
    // FINAL already keeps one row per window; this keeps the rule whatever the server does.
    Map<List<Object>, WindowUpdate> latest = new LinkedHashMap<>();
    for (HistoryRow row : rows) {
      WindowUpdate update = row.toUpdate();
      latest.merge(
          List.of(row.metric(), row.version(), row.group(), row.startMillis(), row.endMillis()),
          update,
          (older, newer) -> newer.supersedes(older) ? newer : older);
    }
    return List.copyOf(latest.values());
  }

  @Override
  public RollupResult rollUp(long fromMillis, long toMillis) {
    Map<String, String> skipped = new TreeMap<>();
    int hours = rollUp(Resolution.HOUR, fromMillis, toMillis, skipped);
    int days = rollUp(Resolution.DAY, fromMillis, toMillis, skipped);
    return new RollupResult(hours, days, skipped);
  }

  /** One coarse window at a time, so that memory holds one hour (or day) of finer windows. */
  private int rollUp(
      Resolution coarse, long fromMillis, long toMillis, Map<String, String> skipped) {
    long size = coarse.sizeMillis();
    long first = Math.floorDiv(fromMillis, size) * size;
    long end = -Math.floorDiv(-toMillis, size) * size;
    int written = 0;
    for (long start = first; start < end; start += size) {
      List<HistoryRow> finer =
          read(
              "read windows to roll up into " + coarse.table(),
              ClickHouseSql.rollupSources(config.database(), coarse, start, start + size));
      Rollups.Outcome outcome = Rollups.rollUp(finer, size, clock.getAsLong());
      outcome
          .skipped()
          .forEach((metric, reason) -> skipped.putIfAbsent(metric + " (" + coarse + ")", reason));
      writeRows(coarse, outcome.rows());
      written += outcome.rows().size();
    }
    return written;
  }

  private List<HistoryRow> read(String what, List<ClickHouseSql.Query> queries) {
    return jdbc.run(
        what,
        connection -> {
          List<HistoryRow> rows = new ArrayList<>();
          for (ClickHouseSql.Query query : queries) {
            try (PreparedStatement select = connection.prepareStatement(query.sql())) {
              int i = 1;
              for (Object parameter : query.parameters()) {
                select.setObject(i++, parameter);
              }
              try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                  rows.add(row(result));
                }
              }
            }
          }
          return rows;
        });
  }

  static HistoryRow row(ResultSet result) throws SQLException {
    return new HistoryRow(
        result.getString("metric"),
        result.getLong("version"),
        AggregateFunction.fromWireName(result.getString("fn")),
        result.getInt("k"),
        result.getLong("slide_ms"),
        strings(result.getArray("group_by")),
        strings(result.getArray("group_values")),
        result.getLong("window_start_ms"),
        result.getLong("window_end_ms"),
        result.getLong("events"),
        result.getDouble("value"),
        HexFormat.of().parseHex(result.getString("accumulator_hex")),
        result.getLong("written_at"));
  }

  private static List<String> strings(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    List<String> strings = new ArrayList<>(values.length);
    for (Object value : values) {
      strings.add(String.valueOf(value));
    }
    return strings;
  }

  @Override
  public void close() {
    jdbc.close();
  }
}
