package io.tally.tiering.history;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * One connection per piece of work to the ClickHouse of a {@link ClickHouseConfig}, with its
 * failures turned into {@link HistoryStoreException}s that say what could not be done. For the
 * tools beside the history store (the event archive, repairs), which reach the same server.
 */
public final class ClickHouseJdbc {
  private final ClickHouseConfig config;
  private final Driver driver;

  public ClickHouseJdbc(ClickHouseConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    try {
      this.driver =
          (Driver) Class.forName(config.driverClass()).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("cannot load the JDBC driver " + config.driverClass(), e);
    }
  }

  public ClickHouseConfig config() {
    return config;
  }

  /** A database-qualified table name, after checking both are plain identifiers. */
  public String table(String name) {
    return ClickHouseSql.database(config.database()) + "." + ClickHouseSql.database(name);
  }

  /** What runs on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a new connection.
   *
   * @param what what the work does, for the error message ("read events from ...")
   */
  public <T> T run(String what, Work<T> work) {
    Properties properties = new Properties();
    properties.putAll(config.properties());
    try (Connection connection = driver.connect(config.jdbcUrl(), properties)) {
      if (connection == null) {
        throw new HistoryStoreException(
            "the JDBC driver " + config.driverClass() + " does not accept " + config.jdbcUrl());
      }
      return work.run(connection);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof HistoryStoreException h) {
        throw h;
      }
      throw new HistoryStoreException(
          "ClickHouse at " + config.jdbcUrl() + ": cannot " + what + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    return root == e ? message : message + " (" + root.getClass().getSimpleName() + ")";
  }
}
