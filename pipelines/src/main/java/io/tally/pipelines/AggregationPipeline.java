package io.tally.pipelines;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.DedupHorizon;
import io.tally.model.metric.Durations;
import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.sinks.WriteToEventArchive;
import io.tally.transforms.DeduplicateEvents;
import io.tally.transforms.StreamingAggregation;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.joda.time.Duration;

/**
 * The streaming pipeline: a source of raw event records, the streaming core, and sinks for its
 * updates and dead letters. Sources and sinks are handed in, so the same wiring serves the embedded
 * mode, tests, benchmarks and a cluster. With {@code --archiveJdbcUrl} it also keeps every
 * de-duplicated event in the raw event archive, for backfills.
 */
public final class AggregationPipeline {
  private AggregationPipeline() {}

  /**
   * Adds the pipeline to {@code pipeline}.
   *
   * @param source raw records, timestamped with their event time, with a watermark that bounds how
   *     late they may still arrive
   */
  public static WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> build(
      Pipeline pipeline,
      PTransform<PBegin, PCollection<String>> source,
      MetricCatalogSource catalog,
      PTransform<PCollection<WindowUpdate>, ? extends POutput> updateSink,
      PTransform<PCollection<DeadLetter>, ? extends POutput> deadLetterSink) {
    TallyPipelineOptions options = pipeline.getOptions().as(TallyPipelineOptions.class);
    StreamingAggregation core = streamingCore(options, catalog);
    WriteToEventArchive archive = WriteToEventArchive.of(options);
    if (archive != null) {
      core = core.withUniqueEventsTo(archive);
    }
    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> result =
        pipeline.apply("ReadEvents", source).apply("Aggregate", core);
    result.output().apply("WriteUpdates", updateSink);
    result.failures().apply("WriteDeadLetters", deadLetterSink);
    return result;
  }

  /** The streaming core, tuned by the options. */
  public static StreamingAggregation streamingCore(
      TallyPipelineOptions options, MetricCatalogSource catalog) {
    return StreamingAggregation.of(catalog)
        .withEarlyFiringDelay(Duration.millis(Durations.parseMillis(options.getEarlyFiringDelay())))
        .withDedupHorizon(Duration.millis(dedupCeilingMillis(options)))
        .withDedupLayout(dedupLayout(options));
  }

  /** {@code --dedupState}: the layout of de-duplication's state. */
  public static DeduplicateEvents.Layout dedupLayout(TallyPipelineOptions options) {
    try {
      return DeduplicateEvents.Layout.named(options.getDedupState());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dedupState: " + e.getMessage(), e);
    }
  }

  /** {@code --dedupHorizon}: the longest de-duplication may remember, and a definition need. */
  public static long dedupCeilingMillis(TallyPipelineOptions options) {
    try {
      return Durations.parseMillis(options.getDedupHorizon());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dedupHorizon " + e.getMessage(), e);
    }
  }

  /**
   * The definitions named by {@code --metricsFile}, or the built-in examples; refused when one
   * needs a longer dedup horizon than {@code --dedupHorizon} ({@link DedupHorizon}).
   */
  public static MetricCatalog catalog(TallyPipelineOptions options)
      throws InvalidDefinitionException {
    String file = options.getMetricsFile();
    MetricCatalog catalog =
        file == null ? MetricCatalog.defaults() : MetricCatalog.read(Path.of(file));
    checkDedupHorizon(options, catalog);
    return catalog;
  }

  /**
   * Refuses to start with definitions (of a metrics file, or a rule log's current ones) that need a
   * longer dedup horizon than {@code --dedupHorizon}: their copies could be counted twice.
   */
  public static void checkDedupHorizon(TallyPipelineOptions options, MetricCatalog catalog)
      throws InvalidDefinitionException {
    DedupHorizon.check(catalog, dedupCeilingMillis(options));
  }
}
