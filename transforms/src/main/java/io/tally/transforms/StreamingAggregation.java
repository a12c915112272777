package io.tally.transforms;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.event.Event;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import io.tally.transforms.coders.DeadLetterCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.POutput;
import org.joda.time.Duration;

/**
 * The streaming core: raw event records in, versioned window updates out, and every record that was
 * not counted in the dead-letter output with its reason.
 *
 * <pre>
 * parse/validate → de-duplicate by (source, id) → match definitions → window, trigger, aggregate
 * </pre>
 *
 * <p>Input elements must carry their event time as their timestamp, and the source's watermark must
 * bound how late events may still arrive: aggregation judges lateness by it.
 */
public final class StreamingAggregation
    extends PTransform<
        PCollection<String>, WithFailures.Result<PCollection<WindowUpdate>, DeadLetter>> {

  public static final Duration DEFAULT_DEDUP_HORIZON = Duration.standardMinutes(10);
  public static final Duration DEFAULT_EARLY_FIRING_DELAY = Duration.millis(100);

  private final MetricCatalogSource catalog;
  private final Duration dedupHorizon;
  private final Duration earlyFiringDelay;
  private final DeduplicateEvents.Layout dedupLayout;
  private final PTransform<PCollection<Event>, ? extends POutput> uniqueEventSink;

  private StreamingAggregation(
      MetricCatalogSource catalog,
      Duration dedupHorizon,
      DeduplicateEvents.Layout dedupLayout,
      Duration earlyFiringDelay,
      PTransform<PCollection<Event>, ? extends POutput> uniqueEventSink) {
    this.catalog = catalog;
    this.dedupHorizon = dedupHorizon;
    this.dedupLayout = dedupLayout;
    this.earlyFiringDelay = earlyFiringDelay;
    this.uniqueEventSink = uniqueEventSink;
  }

  public static StreamingAggregation of(MetricCatalogSource catalog) {
    return new StreamingAggregation(
        catalog,
        DEFAULT_DEDUP_HORIZON,
        DeduplicateEvents.Layout.TABLE,
        DEFAULT_EARLY_FIRING_DELAY,
        null);
  }

  /**
   * The ceiling of the dedup horizon: de-duplication remembers identities as long as the catalog's
   * definitions need ({@link io.tally.model.metric.DedupHorizon}), never longer than this.
   */
  public StreamingAggregation withDedupHorizon(Duration horizon) {
    return new StreamingAggregation(
        catalog, horizon, dedupLayout, earlyFiringDelay, uniqueEventSink);
  }

  /** How de-duplication keeps identities: it must suit the runner's state backend. */
  public StreamingAggregation withDedupLayout(DeduplicateEvents.Layout layout) {
    return new StreamingAggregation(
        catalog, dedupHorizon, layout, earlyFiringDelay, uniqueEventSink);
  }

  public StreamingAggregation withEarlyFiringDelay(Duration delay) {
    return new StreamingAggregation(catalog, dedupHorizon, dedupLayout, delay, uniqueEventSink);
  }

  /**
   * Also hands every de-duplicated event to {@code sink} (the raw event archive, for replays),
   * whether or not a metric matches it.
   */
  public StreamingAggregation withUniqueEventsTo(
      PTransform<PCollection<Event>, ? extends POutput> sink) {
    return new StreamingAggregation(catalog, dedupHorizon, dedupLayout, earlyFiringDelay, sink);
  }

  @Override
  public WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> expand(
      PCollection<String> records) {
    WithFailures.Result<PCollection<Event>, DeadLetter> parsed =
        records.apply("ParseEvents", ParseEvents.create());
    PCollection<Event> unique =
        parsed
            .output()
            .apply(
                "DeduplicateEvents",
                DeduplicateEvents.following(catalog, dedupHorizon).withLayout(dedupLayout));
    if (uniqueEventSink != null) {
      unique.apply("WriteUniqueEvents", uniqueEventSink);
    }
    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> aggregated =
        unique
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
