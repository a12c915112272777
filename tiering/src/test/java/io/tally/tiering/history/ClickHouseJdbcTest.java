package io.tally.tiering.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link ClickHouseJdbc} opens, keeps and closes connections, seen through a driver that
 * records every connection it hands out. (What the connections do against a real server is the
 * history and archive integration tests' part.)
 */
class ClickHouseJdbcTest {

  private static final List<RecordedConnection> OPENED = new CopyOnWriteArrayList<>();

  private ClickHouseJdbc jdbc;

  @BeforeEach
  void setUp() {
    OPENED.clear();
    jdbc =
        new ClickHouseJdbc(
            new ClickHouseConfig(
                "jdbc:recording://server", RecordingDriver.class.getName(), "tally", Map.of()));
  }

  @AfterEach
  void tearDown() {
    jdbc.close();
  }

  @Test
  void workAfterWorkRunsOnTheSameConnection() {
    Connection first = jdbc.run("do one thing", connection -> connection);
    Connection second = jdbc.run("do another", connection -> connection);

    assertThat(second).isSameAs(first);
    assertThat(OPENED).hasSize(1);
    assertThat(OPENED.get(0).closed).isFalse();
  }

  @Test
  void aConnectionWhoseWorkFailedIsClosedAndNotUsedAgain() {
    assertThatThrownBy(
            () ->
                jdbc.run(
                    "write a batch",
                    connection -> {
                      throw new SQLException("Connection reset");
                    }))
        .isInstanceOf(HistoryStoreException.class)
        .hasMessageContaining("cannot write a batch")
        .hasMessageContaining("Connection reset");
    Connection next = jdbc.run("write it again", connection -> connection);

    assertThat(OPENED).hasSize(2);
    assertThat(OPENED.get(0).closed).isTrue();
    assertThat(next).isSameAs(OPENED.get(1).proxy);
    assertThat(OPENED.get(1).closed).isFalse();
  }

  @Test
  void closingClosesTheKeptConnectionsAndLaterWorkKeepsNone() {
    jdbc.run("do one thing", connection -> connection);

    jdbc.close();
    assertThat(OPENED.get(0).closed).isTrue();

    jdbc.run("do one more", connection -> connection);
    assertThat(OPENED).hasSize(2);
    assertThat(OPENED.get(1).closed).isTrue();
    assertThat(jdbc.idleConnections()).isZero();
  }

  @Test
  void concurrentWorkGetsConnectionsOfItsOwnAndAtMostTheIdleLimitIsKept() throws Exception {
    int workers = ClickHouseJdbc.MAX_IDLE + 2;
    CountDownLatch allInside = new CountDownLatch(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<Connection>> used =
          pool.invokeAll(
              Collections.nCopies(
                  workers,
                  () ->
                      jdbc.run(
                          "wait for the others",
                          connection -> {
                            allInside.countDown();
                            try {
                              if (!allInside.await(30, TimeUnit.SECONDS)) {
                                throw new SQLException("the other workers never arrived");
                              }
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                              throw new SQLException(e);
                            }
                            return connection;
                          })));
      for (Future<Connection> connection : used) {
        connection.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(OPENED).hasSize(workers);
    assertThat(jdbc.idleConnections()).isEqualTo(ClickHouseJdbc.MAX_IDLE);
    assertThat(OPENED.stream().filter(c -> c.closed).count())
        .isEqualTo(workers - ClickHouseJdbc.MAX_IDLE);
  }

  /** One connection the driver handed out, and whether it was closed. */
  static final class RecordedConnection {
    final Connection proxy;
    volatile boolean closed;

    RecordedConnection() {
      this.proxy =
          (Connection)
              Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (self, method, args) -> {
                    switch (method.getName()) {
                      case "close" -> closed = true;
                      case "isClosed" -> {
                        return closed;
                      }
                      case "hashCode" -> {
                        return System.identityHashCode(self);
                      }
                      case "equals" -> {
                        return self == args[0];
                      }
                      case "toString" -> {
                        return "connection " + System.identityHashCode(self);
                      }
                      default -> {
                        return null;
                      }
                    }
                    return null;
                  });
    }
  }

  /** Loaded by name, as the configured driver class is. */
  public static final class RecordingDriver implements Driver {
    @Override
    public Connection connect(String url, Properties info) {
      RecordedConnection connection = new RecordedConnection();
      OPENED.add(connection);
      return connection.proxy;
    }

    @Override
    public boolean acceptsURL(String url) {
      return url.startsWith("jdbc:recording:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
      return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
      return 1;
    }

    @Override
    public int getMinorVersion() {
      return 0;
    }

    @Override
    public boolean jdbcCompliant() {
      return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }
  }
}
