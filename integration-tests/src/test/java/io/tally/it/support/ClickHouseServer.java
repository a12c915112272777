package io.tally.it.support;

import io.tally.tiering.history.ClickHouseConfig;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ClickHouse server (Debian's clickhouse-server), run by {@code bin/clickhouse} as its own
 * process on 127.0.0.1: installed when missing, started before the first test class that needs it
 * (unless it is running already) and left running for the others; the test command stops it at the
 * end ({@code TALLY_CLICKHOUSE_HTTP_PORT=18123 bin/clickhouse stop}). Each test class should use
 * its own database ({@link #uniqueDatabase}).
 */
public final class ClickHouseServer implements BeforeAllCallback {
  public static final int HTTP_PORT =
      Integer.parseInt(System.getProperty("tally.clickhouse.port", "18123"));

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  public static void start() {
    KafkaBroker.Scripts.run(env(), "bin/clickhouse", "install");
    KafkaBroker.Scripts.run(env(), "bin/clickhouse", "start");
  }

  public static void stop() {
    KafkaBroker.Scripts.run(env(), "bin/clickhouse", "stop");
  }

  private static Map<String, String> env() {
    return Map.of("TALLY_CLICKHOUSE_HTTP_PORT", Integer.toString(HTTP_PORT));
  }

  public static String jdbcUrl() {
    return "jdbc:clickhouse://127.0.0.1:" + HTTP_PORT + "/default";
  }

  /** The history tier's configuration for this server, in the given database. */
  public static ClickHouseConfig config(String database) {
    return ClickHouseConfig.of(jdbcUrl(), database);
  }

  /** A database name of its own for a test class: its name plus a random suffix. */
  public static String uniqueDatabase(Class<?> testClass) {
    return "tally_it_"
        + testClass.getSimpleName().toLowerCase(Locale.ROOT)
        + "_"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
