package io.tally.tiering.history;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach ClickHouse: any JDBC driver and URL. The default driver is {@code
 * ru.yandex.clickhouse.ClickHouseDriver} (clickhouse-jdbc 0.3.2), the one that works with
 * ClickHouse 18.16 as well as current servers, with {@code compress=false}. The driver is
 * instantiated by class name rather than found through {@code DriverManager}, because that jar
 * registers two drivers for the same {@code jdbc:clickhouse:} URLs.
 *
 * @param jdbcUrl e.g. {@code jdbc:clickhouse://127.0.0.1:8123/default}
 * @param driverClass the {@link java.sql.Driver} to use
 * @param database where the history tables live (created on demand)
 * @param properties connection properties handed to the driver (user, password, timeouts...)
 */
public record ClickHouseConfig(
    String jdbcUrl, String driverClass, String database, Map<String, String> properties)
    implements Serializable {

  public static final String DEFAULT_DRIVER = "ru.yandex.clickhouse.ClickHouseDriver";

  public ClickHouseConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(driverClass, "driverClass");
    ClickHouseSql.database(database);
    properties = Map.copyOf(properties);
  }

  /**
   * The default driver, without compression (18.16 rejects the driver's compressed requests), a 5 s
   * connect timeout and a 60 s socket timeout.
   */
  public static ClickHouseConfig of(String jdbcUrl, String database) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("compress", "false");
    properties.put("connection_timeout", "5000");
    properties.put("socket_timeout", "60000");
    return new ClickHouseConfig(jdbcUrl, DEFAULT_DRIVER, database, properties);
  }

  public ClickHouseConfig withProperty(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(properties);
    copy.put(name, value);
    return new ClickHouseConfig(jdbcUrl, driverClass, database, copy);
  }

  public ClickHouseConfig withDatabase(String otherDatabase) {
    return new ClickHouseConfig(jdbcUrl, driverClass, otherDatabase, properties);
  }

  @Override
  public String toString() {
    // Never print a password.
    return "ClickHouseConfig[" + jdbcUrl + ", " + driverClass + ", database " + database + "]";
  }
}
