package io.tally.pipelines.sinks;

import io.tally.tiering.history.ClickHouseConfig;
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
}
