package io.tally.transforms;

import io.tally.deadletter.DeadLetter;
import io.tally.deadletter.DeadLetterCoder;
import io.tally.event.Event;
import io.tally.metric.MetricCatalogSource;
import io.tally.update.WindowUpdate;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Duration;

/**
 * The streaming core: raw event records in, versioned window updates out, and every record that
 * was not counted in the dead-letter output with its reason.
 *
 * <pre>
 * parse/validate → de-duplicate by (source, id) → match definitions → window, trigger, aggregate
 * </pre>
 *
 * <p>Input elements must carry their event time as their timestamp, and the source's watermark
 * must bound how late events may still arrive: aggregation judges lateness by it.
 */
public final class StreamingAggregation
    extends PTransform<PCollection<String>, WithFailures.Result<PCollection<WindowUpdate>, DeadLetter>> {

  public static final Duration DEFAULT_DEDUP_HORIZON = Duration.standardMinutes(10);
  public static final Duration DEFAULT_EARLY_FIRING_DELAY = Duration.millis(100);

  private final MetricCatalogSource catalog;
  private final Duration dedupHorizon;
  private final Duration earlyFiringDelay;

  private StreamingAggregation(
      MetricCatalogSource catalog, Duration dedupHorizon, Duration earlyFiringDelay) {
    this.catalog = catalog;
    this.dedupHorizon = dedupHorizon;
    this.earlyFiringDelay = earlyFiringDelay;
  }

  public static StreamingAggregation of(MetricCatalogSource catalog) {
    return new StreamingAggregation(catalog, DEFAULT_DEDUP_HORIZON, DEFAULT_EARLY_FIRING_DELAY);
  }

  public StreamingAggregation withDedupHorizon(Duration horizon) {
    return new StreamingAggregation(catalog, horizon, earlyFiringDelay);
  }

  public StreamingAggregation withEarlyFiringDelay(Duration delay) {
    return new StreamingAggregation(catalog, dedupHorizon, delay);
  }

  @Override
  public WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> expand(
      PCollection<String> records) {
    WithFailures.Result<PCollection<Event>, DeadLetter> parsed =
        records.apply("ParseEvents", ParseEvents.create());
    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> aggregated =
        parsed
            .output()
            .apply("DeduplicateEvents", DeduplicateEvents.within(dedupHorizon))
            .apply("MatchDefinitions", MatchDefinitions.from(catalog))
            .apply("AggregateWindows", AggregateWindows.withEarlyFiringDelay(earlyFiringDelay));
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(parsed.failures())
            .and(aggregated.failures())
            .apply("DeadLetters", Flatten.pCollections())
            .setCoder(DeadLetterCoder.of());
    return WithFailures.Result.of(aggregated.output(), deadLetters);
  }
}
