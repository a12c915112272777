package io.tally.pipelines.sinks;

import io.tally.model.metric.MetricCatalogSource;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.history.MetricSpecs;

/** Builds the history tier's connection from {@link HistoryOptions}. */
public final class HistoryTier {
  private HistoryTier() {}

  /** The connection settings the options describe; null when no history tier is configured. */
  public static ClickHouseConfig config(HistoryOptions options) {
    if (options.getHistoryJdbcUrl() == null || options.getHistoryJdbcUrl().isBlank()) {
      return null;
    }
    ClickHouseConfig defaults =
        ClickHouseConfig.of(options.getHistoryJdbcUrl(), options.getHistoryDatabase());
    ClickHouseConfig config =
        new ClickHouseConfig(
            defaults.jdbcUrl(),
            options.getHistoryDriverClass(),
            defaults.database(),
            defaults.properties());
    if (options.getHistoryUser() != null) {
      config = config.withProperty("user", options.getHistoryUser());
    }
    return config;
  }

  /**
   * Opens the store on the workers, with the password from their environment and the metric specs
   * of {@code catalog} (the slide and k stored with each window).
   */
  public static HistoryStoreProvider provider(
      ClickHouseConfig config, MetricCatalogSource catalog) {
    MetricSpecs specs = MetricSpecs.following(catalog);
    return () -> {
      String password = System.getenv("CLICKHOUSE_PASSWORD");
      ClickHouseConfig withPassword =
          password == null || password.isEmpty()
              ? config
              : config.withProperty("password", password);
      return new ClickHouseHistoryStore(withPassword, specs);
    };
  }
}
