package io.tally.pipelines.sinks;

import io.tally.model.metric.MetricCatalogSource;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.history.MetricSpecs;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the pipeline writes final windows for the history tier; no URL: no history tier. */
public interface HistoryOptions extends PipelineOptions {

  @Description(
      "JDBC URL of the ClickHouse history tier, e.g. jdbc:clickhouse://127.0.0.1:8123/default;"
          + " unset: final windows are not written to a history tier")
  String getHistoryJdbcUrl();

  void setHistoryJdbcUrl(String value);

  @Description("Database of the history tables (created when missing)")
  @Default.String("tally")
  String getHistoryDatabase();

  void setHistoryDatabase(String value);

  @Description("JDBC driver class of the history tier")
  @Default.String(ClickHouseConfig.DEFAULT_DRIVER)
  String getHistoryDriverClass();

  void setHistoryDriverClass(String value);

  @Description(
      "ClickHouse user; the password is read from the CLICKHOUSE_PASSWORD environment variable of"
          + " the workers, never from the command line")
  String getHistoryUser();

  void setHistoryUser(String value);

  /** The connection settings the options describe; null when no history tier is configured. */
  static ClickHouseConfig clickHouseConfig(HistoryOptions options) {
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
  static HistoryStoreProvider provider(ClickHouseConfig config, MetricCatalogSource catalog) {
    MetricSpecs specs =
        (metric, version) ->
            catalog.current().get(metric).filter(d -> d.version() == version).map(d -> d.spec());
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
