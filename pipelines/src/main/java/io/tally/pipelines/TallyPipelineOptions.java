package io.tally.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** What every Tally pipeline can be told on the command line, whatever the runner. */
public interface TallyPipelineOptions extends PipelineOptions, StreamingOptions, ArchiveOptions {

  @Description(
      "YAML or JSON file with the metric definitions ('metrics: [...]'); the built-in examples"
          + " when absent")
  String getMetricsFile();

  void setMetricsFile(String value);

  @Description(
      "Processing-time delay between speculative (early) and late panes of a window, e.g. 100ms")
  @Default.String("100ms")
  String getEarlyFiringDelay();

  void setEarlyFiringDelay(String value);

  @Description(
      "The ceiling of the de-duplication horizon, e.g. 10m: an event's identity is remembered"
          + " (in event time) for the longest window plus its allowed lateness of the metric"
          + " definitions, at most this long. Definitions that need more are refused at start;"
          + " the query service's rules.dedupHorizon must be the same.")
  @Default.String("10m")
  String getDedupHorizon();

  void setDedupHorizon(String value);

  @Description(
      "How de-duplication keeps the identities it remembers: 'table' (one compact table per"
          + " shard, for state on the heap) or 'entries' (one state entry per identity, for"
          + " RocksDB, which reads and writes whole values). The streaming job picks 'entries'"
          + " with --state-backend=rocksdb.")
  @Default.String("table")
  String getDedupState();

  void setDedupState(String value);

  @Description(
      "Writers of the history tier and of the event archive, each: every writer appends at most"
          + " one batch a second (more only when a batch fills), so this is also the most inserts"
          + " a second into each ClickHouse table, each a new part for ClickHouse to merge. The"
          + " launchers set it to the job's parallelism: one writer per slot.")
  @Default.Integer(1)
  int getTierWriters();

  void setTierWriters(int value);
}
