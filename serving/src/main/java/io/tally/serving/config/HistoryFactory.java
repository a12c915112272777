package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.ScheduledRollups;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code history} section of the configuration: the ClickHouse history tier that answers for
 * windows older than the hot tiers keep. Without it, queries are answered by the hot tiers alone.
 *
 * <p>The timeouts bound how long a query waits for history: when ClickHouse is down or slow, the
 * answer comes from the hot tiers and says that history is unavailable.
 */
public class HistoryFactory {
  /** E.g. {@code jdbc:clickhouse://127.0.0.1:8123/default}. */
  @NotBlank private String jdbcUrl;

  /** The database of the history tables (the pipeline's history sink creates them). */
  @NotBlank private String database = "tally";

  /**
   * The JDBC driver, by class name (docs/development.md names one that works with ClickHouse
   * 18.16).
   */
  @NotBlank private String driverClass = ClickHouseConfig.DEFAULT_DRIVER;

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration connectTimeout = Duration.seconds(2);

  /** The longest a history read may take. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration socketTimeout = Duration.seconds(10);

  private String user;

  /** Never logged; set it from the environment ({@code ${CLICKHOUSE_PASSWORD}}). */
  private String password;

  /**
   * Whether this node rolls settled minutes up into hours and days every {@code rollupEvery}.
   * Rollups are idempotent, so several nodes doing it is only wasted work: in a deployment of
   * several serving nodes, leave it on for one.
   */
  private boolean rollups = true;

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration rollupEvery = Duration.minutes(5);

  /** How far back each rollup run goes over settled hours again (see {@link ScheduledRollups}). */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.HOURS)
  private Duration rollupLookback = Duration.hours(3);

  /**
   * Added to the longest allowed lateness of the metrics to know when an hour is settled: the
   * watermark's lag behind the clock and the history sink's batching.
   */
  @NotNull private Duration rollupMargin = Duration.minutes(5);

  /** Other driver properties, over the defaults ({@code compress: "false"}). */
  @NotNull private Map<String, String> properties = new LinkedHashMap<>();

  @JsonProperty
  public String getJdbcUrl() {
    return jdbcUrl;
  }

  @JsonProperty
  public void setJdbcUrl(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  @JsonProperty
  public String getDatabase() {
    return database;
  }

  @JsonProperty
  public void setDatabase(String database) {
    this.database = database;
  }

  @JsonProperty
  public String getDriverClass() {
    return driverClass;
  }

  @JsonProperty
  public void setDriverClass(String driverClass) {
    this.driverClass = driverClass;
  }

  @JsonProperty
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  @JsonProperty
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  @JsonProperty
  public Duration getSocketTimeout() {
    return socketTimeout;
  }

  @JsonProperty
  public void setSocketTimeout(Duration socketTimeout) {
    this.socketTimeout = socketTimeout;
  }

  @JsonProperty
  public String getUser() {
    return user;
  }

  @JsonProperty
  public void setUser(String user) {
    this.user = user;
  }

  @JsonProperty
  public void setPassword(String password) {
    this.password = password;
  }

  @JsonProperty
  public boolean isRollups() {
    return rollups;
  }

  @JsonProperty
  public void setRollups(boolean rollups) {
    this.rollups = rollups;
  }

  @JsonProperty
  public Duration getRollupEvery() {
    return rollupEvery;
  }

  @JsonProperty
  public void setRollupEvery(Duration rollupEvery) {
    this.rollupEvery = rollupEvery;
  }

  @JsonProperty
  public Duration getRollupLookback() {
    return rollupLookback;
  }

  @JsonProperty
  public void setRollupLookback(Duration rollupLookback) {
    this.rollupLookback = rollupLookback;
  }

  @JsonProperty
  public Duration getRollupMargin() {
    return rollupMargin;
  }

  @JsonProperty
  public void setRollupMargin(Duration rollupMargin) {
    this.rollupMargin = rollupMargin;
  }

  @JsonProperty
  public Map<String, String> getProperties() {
    return properties;
  }

  @JsonProperty
  public void setProperties(Map<String, String> properties) {
    this.properties = properties;
  }

  /** The connection settings; {@link ClickHouseConfig#toString} never shows the password. */
  public ClickHouseConfig clickHouseConfig() {
    ClickHouseConfig config =
        ClickHouseConfig.of(jdbcUrl, database)
            .withProperty("connection_timeout", Long.toString(connectTimeout.toMilliseconds()))
            .withProperty("socket_timeout", Long.toString(socketTimeout.toMilliseconds()));
    if (user != null && !user.isBlank()) {
      config = config.withProperty("user", user);
    }
    if (password != null && !password.isEmpty()) {
      config = config.withProperty("password", password);
    }
    for (Map.Entry<String, String> property : properties.entrySet()) {
      config = config.withProperty(property.getKey(), property.getValue());
    }
    return new ClickHouseConfig(
        config.jdbcUrl(), driverClass, config.database(), config.properties());
  }

  /** The store, for reads: serving never writes history, so it needs no metric specs. */
  public HistoryStore build() {
    return new ClickHouseHistoryStore(clickHouseConfig(), MetricSpecs.none());
  }

  /**
   * The scheduled rollups of {@code store} (not started), or null when this node does not roll up.
   * An hour settles after the longest allowed lateness of the metrics in force at the time of the
   * run, plus {@code rollupMargin}.
   */
  public ScheduledRollups rollups(HistoryStore store, MetricCatalogSource catalog) {
    if (!rollups) {
      return null;
    }
    return new ScheduledRollups(
        store,
        () ->
            catalog.current().definitions().stream()
                    .mapToLong(MetricDefinition::allowedLatenessMillis)
                    .max()
                    .orElse(0)
                + rollupMargin.toMilliseconds(),
        rollupLookback.toJavaDuration(),
        System::currentTimeMillis);
  }
}
