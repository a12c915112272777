package io.tally.runners.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.pipelines.AggregationPipeline;
import io.tally.runners.launch.IncrementalRocksDb;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.runners.streaming.metrics.JobCountersReporterFactory;
import io.tally.transforms.DeduplicateEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link StreamingMain#options} decides where the Flink runner's checkpoints go. */
class StreamingMainTest {

  private static Map<String, String> dataDir(Path dir) {
    return Map.of("TALLY_DATA_DIR", dir.toString());
  }

  @Test
  void withoutCheckpointDirCheckpointsGoToTheDataDirectory(@TempDir Path data) {
    StreamingMainOptions options = StreamingMain.options(dataDir(data));
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);

    Path expected = data.resolve("checkpoints");
    assertThat(options.getCheckpointDir()).isEqualTo(expected.toString());
    assertThat(expected).isDirectory();
    assertThat(flink.getCheckpointingInterval()).isEqualTo(10_000L);
    assertThat(flink.getStateBackend()).isEqualTo("filesystem");
    assertThat(flink.getStateBackendStoragePath()).isEqualTo(expected.toUri().toString());
    assertThat(flink.isExternalizedCheckpointsEnabled()).isTrue();
    assertThat(flink.getRetainExternalizedCheckpointsOnCancellation()).isTrue();
  }

  @Test
  void oneSlotPerStageUnlessTold(@TempDir Path data) {
    assertThat(StreamingMain.options(dataDir(data)).as(FlinkPipelineOptions.class).getParallelism())
        .isEqualTo(1);
    assertThat(
            StreamingMain.options(dataDir(data), "--parallelism=3")
                .as(FlinkPipelineOptions.class)
                .getParallelism())
        .isEqualTo(3);
  }

  @Test
  void bundlesAndCopiesAreThoseOfEveryFlinkJob(@TempDir Path data) {
    FlinkPipelineOptions job = StreamingMain.options(dataDir(data)).as(FlinkPipelineOptions.class);
    FlinkPipelineOptions launch =
        PipelineLaunch.options("flink", 1, List.of()).as(FlinkPipelineOptions.class);

    assertThat(job.getMaxBundleTimeMills()).isEqualTo(launch.getMaxBundleTimeMills());
    assertThat(job.getMaxBundleSize()).isEqualTo(launch.getMaxBundleSize());
    assertThat(job.getFinishBundleBeforeCheckpointing())
        .isEqualTo(launch.getFinishBundleBeforeCheckpointing());
    assertThat(job.getFasterCopy()).isEqualTo(launch.getFasterCopy());
    assertThat(job.getObjectReuse()).isEqualTo(launch.getObjectReuse());
  }

  @Test
  void anEmbeddedJobReportsItsCountersWithoutBeamsMetrics(@TempDir Path data) throws Exception {
    FlinkPipelineOptions embedded =
        StreamingMain.options(dataDir(data)).as(FlinkPipelineOptions.class);
    assertThat(embedded.getDisableMetrics()).isTrue();
    assertThat(flinkConf(embedded))
        .contains(
            StreamingMain.PROMETHEUS_REPORTER + ": " + JobCountersReporterFactory.class.getName());

    // Beam's metrics asked for: they carry the counters, and Flink's own reporter serves them.
    FlinkPipelineOptions withBeams =
        StreamingMain.options(dataDir(data), "--disable-metrics=false")
            .as(FlinkPipelineOptions.class);
    assertThat(withBeams.getDisableMetrics()).isFalse();
    assertThat(flinkConf(withBeams))
        .contains(
            StreamingMain.PROMETHEUS_REPORTER
                + ": org.apache.flink.metrics.prometheus.PrometheusReporterFactory");

    // A cluster's reporters are the cluster's: only Beam's metrics reach them.
    FlinkPipelineOptions remote =
        StreamingMain.options(
                dataDir(data),
                "--flinkMaster=jobmanager.example:8081",
                "--checkpointDir=" + data.resolve("remote"))
            .as(FlinkPipelineOptions.class);
    assertThat(remote.getDisableMetrics()).isFalse();
  }

  private static String flinkConf(FlinkPipelineOptions options) throws Exception {
    return Files.readString(Path.of(options.getFlinkConfDir()).resolve("flink-conf.yaml"));
  }

  @Test
  void anExplicitCheckpointDirIsKept(@TempDir Path data) {
    Path mine = data.resolve("mine");
    StreamingMainOptions options = StreamingMain.options(dataDir(data), "--checkpointDir=" + mine);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);

    assertThat(options.getCheckpointDir()).isEqualTo(mine.toString());
    assertThat(flink.getStateBackendStoragePath()).isEqualTo(mine.toUri().toString());
    assertThat(data.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void optionsTakeTheKebabCaseOfTheOtherCommandsAsWellAsBeamsCamelCase(@TempDir Path data) {
    Path mine = data.resolve("mine");
    StreamingMainOptions options =
        StreamingMain.options(
            dataDir(data),
            "--checkpoint-dir=" + mine,
            "--bootstrap-servers=broker-a:9092",
            "--state-backend=rocksdb",
            "--dedupHorizon=1h",
            "--events-topic=my-events");
    assertThat(options.getCheckpointDir()).isEqualTo(mine.toString());
    assertThat(options.getBootstrapServers()).isEqualTo("broker-a:9092");
    assertThat(options.as(FlinkPipelineOptions.class).getStateBackendFactory())
        .isEqualTo(IncrementalRocksDb.class);
    assertThat(options.getDedupHorizon()).isEqualTo("1h");
    assertThat(options.getEventsTopic()).isEqualTo("my-events");
  }

  @Test
  void aStateBackendWithItsOwnStoragePathIsKept(@TempDir Path data) {
    String storage = data.resolve("rocks").toUri().toString();
    StreamingMainOptions options =
        StreamingMain.options(
            dataDir(data), "--stateBackend=rocksdb", "--stateBackendStoragePath=" + storage);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);

    assertThat(flink.getStateBackendFactory()).isEqualTo(IncrementalRocksDb.class);
    assertThat(flink.getStateBackendStoragePath()).isEqualTo(storage);
    assertThat(options.getCheckpointDir()).isNull();
    assertThat(data.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void rocksDbStateCheckpointsIncrementallyIntoTheCheckpointDirectory(@TempDir Path data) {
    StreamingMainOptions options = StreamingMain.options(dataDir(data), "--stateBackend=rocksdb");
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);

    assertThat(flink.getStateBackend()).isNull();
    assertThat(flink.getStateBackendFactory()).isEqualTo(IncrementalRocksDb.class);
    assertThat(flink.getStateBackendStoragePath())
        .isEqualTo(data.resolve("checkpoints").toUri().toString());
    assertThat(new IncrementalRocksDb().createStateBackend(flink))
        .isInstanceOfSatisfying(
            org.apache.flink.contrib.streaming.state.RocksDBStateBackend.class,
            rocks -> assertThat(rocks.isIncrementalCheckpointsEnabled()).isTrue());
    // RocksDB serializes whole values: de-duplication keeps an entry per identity there.
    assertThat(AggregationPipeline.dedupLayout(options))
        .isEqualTo(DeduplicateEvents.Layout.ENTRIES);
  }

  @Test
  void heapStateKeepsDeduplicationInCompactTablesUnlessTold(@TempDir Path data) {
    assertThat(AggregationPipeline.dedupLayout(StreamingMain.options(dataDir(data))))
        .isEqualTo(DeduplicateEvents.Layout.TABLE);
    assertThat(
            AggregationPipeline.dedupLayout(
                StreamingMain.options(
                    dataDir(data), "--state-backend=rocksdb", "--dedup-state=table")))
        .isEqualTo(DeduplicateEvents.Layout.TABLE);
    assertThatThrownBy(
            () ->
                AggregationPipeline.dedupLayout(
                    StreamingMain.options(dataDir(data), "--dedup-state=bloom")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--dedupState")
        .hasMessageContaining("'bloom'")
        .hasMessageContaining("table")
        .hasMessageContaining("entries");
  }

  @Test
  void anUnknownStateBackendIsRefusedWithTheChoices(@TempDir Path data) {
    assertThatThrownBy(() -> StreamingMain.options(dataDir(data), "--stateBackend=memory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--stateBackend=memory")
        .hasMessageContaining("filesystem")
        .hasMessageContaining("rocksdb");
  }

  @Test
  void restoreFromLatestFindsTheNewestCheckpointInTheDefaultDirectory(@TempDir Path data)
      throws Exception {
    Path chk = Files.createDirectories(data.resolve("checkpoints").resolve("job").resolve("chk-3"));
    Files.writeString(chk.resolve("_metadata"), "x");

    StreamingMainOptions options = StreamingMain.options(dataDir(data), "--restoreFrom=latest");

    assertThat(options.as(FlinkPipelineOptions.class).getSavepointPath())
        .isEqualTo(chk.toUri().toString());
  }

  @Test
  void noDirectoryWhenCheckpointingIsOff(@TempDir Path data) {
    StreamingMainOptions options =
        StreamingMain.options(dataDir(data), "--checkpointingInterval=-1");
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);

    assertThat(options.getCheckpointDir()).isNull();
    assertThat(flink.getStateBackendStoragePath()).isNull();
    assertThat(data.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void aJobOnARemoteClusterWithoutCheckpointDirDoesNotStart(@TempDir Path data) {
    assertThatThrownBy(
            () -> StreamingMain.options(dataDir(data), "--flinkMaster=jobmanager.example:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--checkpointDir");
  }

  @Test
  void aDataDirectoryThatCannotHoldCheckpointsStopsTheStart(@TempDir Path data) throws Exception {
    Path file = Files.writeString(data.resolve("not-a-directory"), "x");
    assertThatThrownBy(() -> StreamingMain.options(dataDir(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot keep checkpoints in " + file.resolve("checkpoints"));
  }

  @Test
  void theDirectRunnerNeedsNoDirectory(@TempDir Path data) {
    StreamingMainOptions options = StreamingMain.options(dataDir(data), "--runner=DirectRunner");
    assertThat(options.getCheckpointDir()).isNull();
    assertThat(data.resolve("checkpoints")).doesNotExist();
  }
}
