package io.tally.tiering.archive;

import io.tally.model.codec.JsonBytes;
import io.tally.model.event.Event;
import io.tally.model.event.EventJson;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseJdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import ru.yandex.clickhouse.ClickHouseConnection;
import ru.yandex.clickhouse.ClickHouseStatement;

/**
 * The raw event archive as a ClickHouse table beside the history tier's, one row per event:
 *
 * <ul>
 *   <li>partitioned by the UTC day of the event time, so a replay of a range reads only its days
 *       and retention is a {@code DROP PARTITION} of whole days;
 *   <li>sorted by {@code (ts_ms, source, id)}, so a range read is a scan of contiguous rows, and,
 *       with {@code ReplacingMergeTree}, an event appended twice becomes one row when parts merge.
 *       Reads do not use {@code FINAL}: the replay de-duplicates again anyway.
 * </ul>
 *
 * <p>Why ClickHouse rather than a long-retention Kafka topic: a replay asks for a time range, and
 * here it reads exactly that range's rows, where a topic would have to be read from an offset found
 * by time in every partition and filtered; events are archived after de-duplication, so the archive
 * holds each event once; and it is the same server, backups and retention tooling as the history
 * tier that backfills write to.
 */
public final class ClickHouseEventArchive implements EventArchive {
  public static final String TABLE = "events_archive";

  private final ClickHouseJdbc jdbc;

  public ClickHouseEventArchive(ClickHouseConfig config) {
    this.jdbc = new ClickHouseJdbc(config);
  }

  public ClickHouseConfig config() {
    return jdbc.config();
  }

  @Override
  public void createSchema() {
    String database = jdbc.config().database();
    jdbc.run(
        "create the event archive in database " + database,
        connection -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS " + database);
            statement.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + jdbc.table(TABLE)
                    + " (\n"
                    + "  ts_ms Int64,\n"
                    + "  source String,\n"
                    + "  id String,\n"
                    + "  event String\n"
                    + ") ENGINE = ReplacingMergeTree\n"
                    + "PARTITION BY toYYYYMMDD(toDateTime(intDiv(ts_ms, 1000), 'UTC'))\n"
                    + "ORDER BY (ts_ms, source, id)");
          }
          return null;
        });
  }

  @Override
  public void append(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    String insert = "INSERT INTO " + jdbc.table(TABLE) + " (ts_ms, source, id, event)";
    jdbc.run(
        "append " + events.size() + " events to " + jdbc.table(TABLE),
        connection -> {
          if (connection.isWrapperFor(ClickHouseConnection.class)) {
            appendRowBinary(connection.unwrap(ClickHouseConnection.class), insert, events);
          } else {
            appendBatch(connection, insert, events);
          }
          return null;
        });
  }

  /**
   * Streams the rows in ClickHouse's binary row format: the archive writes every event the job
   * accepts, and a prepared-statement batch escapes each event's JSON character by character into a
   * text row, which cost the streaming job more CPU than anything else it does per event.
   */
  private static void appendRowBinary(
      ClickHouseConnection connection, String insert, List<Event> events) throws SQLException {
    try (ClickHouseStatement statement = connection.createStatement()) {
      statement.sendRowBinaryStream(
          insert,
          rows -> {
            // Each event's JSON is written as UTF-8 into one reused buffer, not as a String.
            JsonBytes json = new JsonBytes(512);
            for (Event event : events) {
              rows.writeInt64(event.timestampMillis());
              rows.writeString(event.source());
              rows.writeString(event.id());
              json.reset();
              EventJson.writeTo(event, json);
              rows.writeUnsignedLeb128(json.size()); // a String's length, then its bytes
              rows.writeBytes(json.array(), 0, json.size());
            }
          });
    }
  }

  /** The same insert through plain JDBC, for a driver other than ClickHouse's own. */
  private static void appendBatch(Connection connection, String insert, List<Event> events)
      throws SQLException {
    try (PreparedStatement batch = connection.prepareStatement(insert + " VALUES (?, ?, ?, ?)")) {
      for (Event event : events) {
        batch.setLong(1, event.timestampMillis());
        batch.setString(2, event.source());
        batch.setString(3, event.id());
        batch.setString(4, EventJson.write(event));
        batch.addBatch();
      }
      batch.executeBatch();
    }
  }

  @Override
  public long count(long fromMillis, long toMillis) {
    return jdbc.run(
        "count the archived events in " + jdbc.table(TABLE),
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT count() FROM " + jdbc.table(TABLE) + " WHERE ts_ms >= ? AND ts_ms < ?")) {
            select.setLong(1, fromMillis);
            select.setLong(2, toMillis);
            try (ResultSet result = select.executeQuery()) {
              result.next();
              return result.getLong(1);
            }
          }
        });
  }

  @Override
  public long read(long fromMillis, long toMillis, ArchivedRecords into) {
    return jdbc.run(
        "read the archived events of ["
            + fromMillis
            + ", "
            + toMillis
            + ") from "
            + jdbc.table(TABLE),
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT ts_ms, event FROM "
                      + jdbc.table(TABLE)
                      + " WHERE ts_ms >= ? AND ts_ms < ?")) {
            select.setLong(1, fromMillis);
            select.setLong(2, toMillis);
            long read = 0;
            try (ResultSet result = select.executeQuery()) {
              while (result.next()) {
                into.accept(result.getLong(1), result.getString(2));
                read++;
              }
            }
            return read;
          }
        });
  }

  @Override
  public void close() {
    jdbc.close();
  }
}
