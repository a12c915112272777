package io.tally.pipelines;

import io.tally.pipelines.sinks.WriteToEventArchive;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.archive.EventArchiveProvider;
import io.tally.tiering.history.ClickHouseConfig;
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

  /** The archive's sink, or null when the options name no archive. */
  static WriteToEventArchive archiveSink(ArchiveOptions options) {
    if (options.getArchiveJdbcUrl() == null) {
      return null;
    }
    ClickHouseConfig config =
        ClickHouseConfig.of(options.getArchiveJdbcUrl(), options.getArchiveDatabase());
    EventArchiveProvider provider = () -> new ClickHouseEventArchive(config);
    return WriteToEventArchive.to(provider);
  }
}
