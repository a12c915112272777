package io.tally.runners.backfill;

import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.backfill.Backfill;
import io.tally.pipelines.backfill.ReadEventArchive;
import io.tally.pipelines.backfill.TimeRange;
import io.tally.pipelines.sinks.WriteToHistoryStore;
import io.tally.runners.launch.CountedSource;
import io.tally.runners.launch.LocalCounters;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.archive.EventArchiveProvider;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.history.MetricSpecs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.values.PCollection;

/**
 * One run of the backfill pipeline in this process (the embedded Flink runner or the direct
 * runner), in batch mode, writing the recomputed minute windows to a history database, with
 * progress on the way.
 */
public final class BackfillRun {

  /** What a run did. */
  public record Result(long eventsInArchive, long eventsRead, long windowsWritten, double seconds) {
    public double eventsPerSecond() {
      return seconds > 0 ? eventsRead / seconds : 0;
    }
  }

  private BackfillRun() {}

  /** Batch options for the launchers' runners; {@code extra} (Beam options) win. */
  public static TallyPipelineOptions options(String runner, int parallelism, List<String> extra) {
    List<String> args = new ArrayList<>();
    args.add("--streaming=false");
    args.addAll(extra);
    return PipelineLaunch.options(runner, parallelism, args);
  }

  /**
   * Recomputes {@code plan} from the archive of {@code archiveConfig} into the history tables of
   * {@code historyConfig} (created when missing), then rolls the range's hours and days up again.
   */
  public static Result run(
      Backfill.Plan plan,
      ClickHouseConfig archiveConfig,
      ClickHouseConfig historyConfig,
      TallyPipelineOptions options,
      long sliceMillis,
      Progress.Style style,
      PrintStream progressOut) {
    TimeRange readRange = plan.readRange();
    ClickHouseEventArchive archive = new ClickHouseEventArchive(archiveConfig);
    long inArchive = archive.count(readRange.fromMillis(), readRange.toMillis());
    MetricSpecs specs = MetricSpecs.of(plan.metrics());
    ClickHouseHistoryStore history = new ClickHouseHistoryStore(historyConfig, specs);
    history.createSchema();

    String run = UUID.randomUUID().toString();
    String readCounter = "backfill-read-" + run;
    String windowCounter = "backfill-windows-" + run;
    EventArchiveProvider archiveProvider = () -> new ClickHouseEventArchive(archiveConfig);
    HistoryStoreProvider historyProvider = () -> new ClickHouseHistoryStore(historyConfig, specs);

    Pipeline pipeline = Pipeline.create(options);
    PCollection<WindowUpdate> windows =
        Backfill.build(
            pipeline,
            plan,
            CountedSource.of(
                ReadEventArchive.of(archiveProvider, readRange).withSliceMillis(sliceMillis),
                readCounter),
            WriteToHistoryStore.to(historyProvider).withShards(options.getTierWriters()));
    windows.apply("CountWindows", LocalCounters.sink(windowCounter));

    LocalCounters.Tally read = LocalCounters.named(readCounter);
    LocalCounters.Tally written = LocalCounters.named(windowCounter);
    long start = System.nanoTime();
    try (Progress progress = Progress.start("events", inArchive, read::count, progressOut, style)) {
      PipelineResult.State state = pipeline.run().waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the backfill pipeline ended " + state);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    history.rollUp(plan.range().fromMillis(), plan.range().toMillis());
    Result result = new Result(inArchive, read.count(), written.count(), seconds);
    LocalCounters.remove(readCounter);
    LocalCounters.remove(windowCounter);
    return result;
  }
}
