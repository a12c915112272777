package io.tally.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the streaming pipeline keeps its raw event archive, if anywhere. */
public interface ArchiveOptions extends PipelineOptions {

  @Description(
      "ClickHouse JDBC URL of the raw event archive (e.g. jdbc:clickhouse://127.0.0.1:8123/default);"
          + " no archive when absent")
  String getArchiveJdbcUrl();

  void setArchiveJdbcUrl(String value);

  @Description("ClickHouse database of the raw event archive")
  @Default.String("tally")
  String getArchiveDatabase();

  void setArchiveDatabase(String value);
}
