package io.tally.runners.streaming;

import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.kafka.KafkaOptions;
import io.tally.pipelines.sinks.AerospikeOptions;
import io.tally.pipelines.sinks.HistoryOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** What {@link StreamingMain} adds to the Kafka, Tally and runner options. */
public interface StreamingMainOptions
    extends KafkaOptions, HistoryOptions, AerospikeOptions, TallyPipelineOptions {

  @Description("Partitions of the topics created at start when missing")
  @Default.Integer(4)
  int getPartitions();

  void setPartitions(int value);

  @Description("Replication factor of the topics created at start when missing")
  @Default.Integer(1)
  int getReplicationFactor();

  void setReplicationFactor(int value);

  @Description(
      "Directory for the Flink runner's checkpoints (filesystem state backend), retained on"
          + " cancellation and failure so that a restart can resume from them. Default:"
          + " checkpoints in the data directory, $TALLY_DATA_DIR or else tally-data in the"
          + " working directory; a job on a remote Flink cluster must name one its JobManager"
          + " and TaskManagers can reach")
  String getCheckpointDir();

  void setCheckpointDir(String value);

  @Description(
      "'latest': resume from the newest completed checkpoint under --checkpointDir (start fresh"
          + " when there is none); or the path of a checkpoint or savepoint to resume from")
  String getRestoreFrom();

  void setRestoreFrom(String value);

  @Description(
      "Seconds between the job's resources lines in its log (CPU time, bytes allocated, garbage"
          + " collections; cumulative), each followed by how far its stages ran behind the events"
          + " in that interval (stage lag); 0: none")
  @Default.Integer(10)
  int getResourcesLogSeconds();

  void setResourcesLogSeconds(int value);

  @Description(
      "Port, or range of ports (the first free one is taken), where the job's metrics are served"
          + " in Prometheus' text format at /metrics: Flink's own and the pipeline's counters"
          + " (duplicates, late, invalid, dead letters, history writes). Empty: none. On a Flink"
          + " cluster the cluster's configuration decides instead.")
  @Default.String("9249-9259")
  String getPrometheusPort();

  void setPrometheusPort(String value);
}
