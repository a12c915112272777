package io.tally.pipelines.backfill;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.sinks.LogDeadLetters;
import io.tally.transforms.coders.WindowUpdateCoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;

/**
 * The batch recomputation of a time range from the raw event archive, through the streaming core
 * itself ({@link AggregationPipeline#streamingCore}: parsing, de-duplication, matching, windowing
 * and aggregation are the very transforms the streaming pipeline runs), on the bounded input of
 * {@link ReadEventArchive}. With bounded input the watermark stays behind every event until all are
 * read, so no event is late and every window's final pane holds all its events.
 *
 * <p>The windows recomputed are those that <em>start</em> in the range, each whole: the archive is
 * read up to the end of the last such window (the range's end plus the longest window of the
 * selected metrics), and windows starting after the range are dropped, since their events were not
 * all read.
 */
public final class Backfill {
  private Backfill() {}

  /** What to recompute: which metric definitions, over which range. */
  public record Plan(MetricCatalog metrics, TimeRange range) {

    /** The range of event time to read: whole windows for every window starting in the range. */
    public TimeRange readRange() {
      long longest = 0;
      for (MetricDefinition definition : metrics.definitions()) {
        longest = Math.max(longest, definition.spec().sizeMillis());
      }
      return range.extendedBy(longest);
    }
  }

  /**
   * The definitions of {@code catalog} named in {@code names}, or all of them when {@code names} is
   * empty.
   *
   * @throws IllegalArgumentException naming every unknown metric
   */
  public static MetricCatalog select(MetricCatalog catalog, Collection<String> names) {
    if (names.isEmpty()) {
      return catalog;
    }
    List<MetricDefinition> selected = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      catalog.get(name).ifPresentOrElse(selected::add, () -> unknown.add(name));
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown metric(s) "
              + String.join(", ", unknown)
              + "; defined: "
              + String.join(
                  ", ", catalog.definitions().stream().map(MetricDefinition::name).toList()));
    }
    return MetricCatalog.of(selected);
  }

  /**
   * Adds the backfill to {@code pipeline}: the archived records of {@code archived} (which must
   * cover {@link Plan#readRange}) through the streaming core, the final windows that start in the
   * plan's range to {@code windowSink}.
   */
  public static PCollection<WindowUpdate> build(
      Pipeline pipeline,
      Plan plan,
      PTransform<PBegin, PCollection<String>> archived,
      PTransform<PCollection<WindowUpdate>, ? extends POutput> windowSink) {
    TallyPipelineOptions options = pipeline.getOptions().as(TallyPipelineOptions.class);
    TimeRange range = plan.range();
    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> result =
        pipeline
            .apply("ReadArchive", archived)
            .apply(
                "Aggregate",
                AggregationPipeline.streamingCore(
                    options, MetricCatalogSource.fixed(plan.metrics())));
    PCollection<WindowUpdate> windows =
        result
            .output()
            .apply(
                "FinalWindowsInRange",
                Filter.by(update -> update.isFinal() && range.contains(update.startMillis())))
            .setCoder(WindowUpdateCoder.of());
    windows.apply("WriteWindows", windowSink);
    // Archived events were valid and a bounded replay has no late ones: any dead letter is news.
    result.failures().apply("LogDeadLetters", LogDeadLetters.sampled());
    return windows;
  }
}
