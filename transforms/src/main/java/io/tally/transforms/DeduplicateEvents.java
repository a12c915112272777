package io.tally.transforms;

import io.tally.model.event.Event;
import io.tally.model.metric.DedupHorizon;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.transforms.coders.EventCoder;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Lets the first arrival of each {@code (source, id)} through and drops later copies, whatever
 * their other fields say.
 *
 * <p>The memory of an identity lasts for the <em>dedup horizon</em> of event time: it is forgotten
 * once the watermark passes the event's time plus the horizon (rounded up to the end of a bucket of
 * event time). A copy that arrives after that is let through; aggregation counts it again if a
 * window it falls in is still open, and sends it to the dead letter as late otherwise.
 *
 * <p>Following a catalog ({@link #following}), the horizon is what the definitions need ({@link
 * DedupHorizon}: the longest window plus its allowed lateness, over every version of every metric),
 * at most the ceiling the operator set, so that de-duplication is exact and keeps no more than it
 * must (a 128-bit hash per distinct event within the horizon, {@link SeenIdentities}). It only ever
 * grows within a run: a replaced or deleted version may still have open windows. A new, longer
 * definition extends the memory before its events can be forgotten: it takes effect from an event
 * time in the future (the rules service's activation delay), and the identities of events from then
 * on are due to be forgotten only a horizon later. Expiries are computed with the horizon in force
 * when a timer fires, so a timer armed under a shorter horizon forgets nothing it should keep and
 * re-arms.
 *
 * <p>Identities are spread over a fixed number of shards by hash, and each shard keeps them in
 * buckets of event time. That costs one state entry and one timer per shard and bucket, where a
 * state entry and a timer per identity would cost several times the memory and time. The bucket's
 * length is fixed by the ceiling (a tenth of it, between 1 s and 1 min), so it stays the same when
 * the horizon grows.
 */
public final class DeduplicateEvents extends PTransform<PCollection<Event>, PCollection<Event>> {
  /** Enough for any realistic parallelism to get an even share; few enough to stay cheap. */
  public static final int DEFAULT_SHARDS = 1024;

  private final Duration ceiling;
  private final MetricCatalogSource catalog;
  private final int shards;

  private DeduplicateEvents(Duration ceiling, MetricCatalogSource catalog, int shards) {
    if (ceiling.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the dedup horizon must not be negative");
    }
    this.ceiling = ceiling;
    this.catalog = catalog;
    this.shards = shards;
  }

  /** Remembers every identity for {@code horizon}, whatever the definitions. */
  public static DeduplicateEvents within(Duration horizon) {
    return new DeduplicateEvents(horizon, null, DEFAULT_SHARDS);
  }

  /**
   * Remembers identities for as long as the definitions of {@code catalog} need, at most {@code
   * ceiling}.
   */
  public static DeduplicateEvents following(MetricCatalogSource catalog, Duration ceiling) {
    return new DeduplicateEvents(ceiling, catalog, DEFAULT_SHARDS);
  }

  @Override
  public PCollection<Event> expand(PCollection<Event> events) {
    int shardCount = shards;
    return events
        .apply(
            "KeyByIdentityShard",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), events.getTypeDescriptor()))
                .via((Event e) -> KV.of(Math.floorMod(e.identity().hashCode(), shardCount), e)))
        .setCoder(KvCoder.of(VarIntCoder.of(), EventCoder.of()))
        .apply("BatchPerShard", BatchWithinBundle.create())
        .apply("FirstArrivalWins", ParDo.of(new FirstArrivalFn(ceiling, catalog)))
        .setCoder(EventCoder.of());
  }

  static final class FirstArrivalFn extends DoFn<KV<Integer, List<Event>>, Event> {
    private final long ceilingMillis;
    private final long bucketMillis;

    /** Null for a fixed horizon, the ceiling. */
    private final MetricCatalogSource source;

    /** The catalog the horizon was last computed for. */
    private transient MetricCatalog catalog;

    /** The longest horizon this instance has seen its catalogs need, at most the ceiling. */
    private transient long horizonMillis;

    private final Counter duplicates = Metrics.counter(DeduplicateEvents.class, "duplicates");

    @StateId("seen")
    private final StateSpec<ValueState<SeenIdentities>> seenSpec =
        StateSpecs.value(SeenIdentitiesCoder.of());

    /** When the oldest bucket is forgotten. */
    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstArrivalFn(Duration ceiling, MetricCatalogSource source) {
      this.ceilingMillis = ceiling.getMillis();
      this.bucketMillis = bucketMillis(ceilingMillis);
      this.source = source;
    }

    /** A tenth of the ceiling, between 1 s and 1 min. */
    static long bucketMillis(long ceilingMillis) {
      return Math.max(1_000, Math.min(ceilingMillis / 10, 60_000));
    }

    /**
     * The horizon now: the longest the catalogs seen so far need, at most the ceiling. Never
     * shorter than before, so a replaced or deleted version's open windows stay covered.
     */
    long horizonMillis() {
      if (source == null) {
        return ceilingMillis;
      }
      MetricCatalog current = source.current();
      if (current != catalog) {
        catalog = current;
        horizonMillis =
            Math.max(horizonMillis, DedupHorizon.effectiveMillis(current, ceilingMillis));
      }
      return horizonMillis;
    }

    private long bucketOf(long timestampMillis) {
      return Math.floorDiv(timestampMillis, bucketMillis) * bucketMillis;
    }

    private long expiryOf(long bucketStart, long horizon) {
      return bucketStart + bucketMillis + horizon;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, List<Event>> batch,
        @StateId("seen") ValueState<SeenIdentities> state,
        @TimerId("expiry") Timer expiry,
        OutputReceiver<Event> out) {
      SeenIdentities seen = state.read();
      if (seen == null) {
        seen = new SeenIdentities();
      }
      long firstBucketBefore = seen.isEmpty() ? Long.MAX_VALUE : seen.firstBucket();
      // Counted once per batch: a metric update costs a lookup, duplicates come in floods.
      long duplicatesInBatch = 0;
      for (Event event : batch.getValue()) {
        if (seen.add(bucketOf(event.timestampMillis()), event.identity())) {
          out.output(event);
        } else {
          duplicatesInBatch++;
        }
      }
      if (duplicatesInBatch > 0) {
        duplicates.inc(duplicatesInBatch);
      }
      if (seen.isEmpty()) {
        return;
      }
      if (seen.firstBucket() < firstBucketBefore) {
        // A new oldest bucket: the timer must fire for it first. No output timestamp: the timer
        // only forgets, so it must not hold the watermark back.
        expiry
            .withNoOutputTimestamp()
            .set(new Instant(expiryOf(seen.firstBucket(), horizonMillis())));
      }
      state.write(seen);
    }

    @OnTimer("expiry")
    public void forget(
        OnTimerContext context,
        @StateId("seen") ValueState<SeenIdentities> state,
        @TimerId("expiry") Timer expiry) {
      SeenIdentities seen = state.read();
      if (seen == null) {
        return;
      }
      long watermark = context.fireTimestamp().getMillis();
      // The horizon now, which may be longer than when the timer was set: then nothing is due
      // yet, and the timer is set again for the longer horizon.
      long horizon = horizonMillis();
      // Buckets whose expiry has passed: those starting before watermark - horizon - bucket + 1.
      seen.forgetBefore(watermark - horizon - bucketMillis + 1);
      if (seen.isEmpty()) {
        state.clear();
        return;
      }
      expiry.withNoOutputTimestamp().set(new Instant(expiryOf(seen.firstBucket(), horizon)));
      state.write(seen);
    }
  }
}
