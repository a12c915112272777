package io.tally.tiering.history;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Properties;

/**
 * Runs pieces of work on connections to the ClickHouse of a {@link ClickHouseConfig}, with their
 * failures turned into {@link HistoryStoreException}s that say what could not be done. Used by the
 * history store and the tools beside it (the event archive, repairs), which reach the same server.
 *
 * <p>A connection that finished its work cleanly is kept for the next one (at most {@link
 * #MAX_IDLE} of them): the sinks write a batch every few hundred milliseconds, and opening a
 * connection per batch (the driver's HTTP client, its connection manager and a server round trip to
 * learn the server's version) cost more than the batch. A connection whose work failed is closed,
 * so that a server restart or a broken socket is never met twice.
 */
public final class ClickHouseJdbc implements AutoCloseable {
  /** Idle connections kept: one per thread that writes concurrently is plenty. */
  static final int MAX_IDLE = 4;

  private final ClickHouseConfig config;
  private final Driver driver;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

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
   * Runs {@code work} on an idle connection, or a new one when none is idle.
   *
   * @param what what the work does, for the error message ("read events from ...")
   */
  public <T> T run(String what, Work<T> work) {
    Connection connection = null;
    try {
      connection = take();
      T result = work.run(connection);
      giveBack(connection);
      return result;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      if (e instanceof HistoryStoreException h) {
        throw h;
      }
      throw new HistoryStoreException(
          "ClickHouse at " + config.jdbcUrl() + ": cannot " + what + ": " + rootMessage(e), e);
    }
  }

  /** Closes the idle connections; work run afterwards opens connections and closes them. */
  @Override
  public void close() {
    synchronized (idle) {
      closed = true;
      idle.forEach(ClickHouseJdbc::closeQuietly);
      idle.clear();
    }
  }

  /** How many connections are kept for the next piece of work. */
  int idleConnections() {
    synchronized (idle) {
      return idle.size();
    }
  }

  private Connection take() throws SQLException {
    synchronized (idle) {
      Connection connection = idle.pollLast();
      if (connection != null) {
        return connection;
      }
    }
    Properties properties = new Properties();
    properties.putAll(config.properties());
    Connection connection = driver.connect(config.jdbcUrl(), properties);
    if (connection == null) {
      throw new HistoryStoreException(
          "the JDBC driver " + config.driverClass() + " does not accept " + config.jdbcUrl());
    }
    return connection;
  }

  private void giveBack(Connection connection) {
    synchronized (idle) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addLast(connection);
        return;
      }
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // Nothing to do: the connection is dropped either way, and the work's outcome is what
      // the caller needs to hear about.
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
