package io.tally.transforms;

import io.tally.model.event.Event;
import io.tally.model.metric.DedupHorizon;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.transforms.coders.EventCoder;
import io.tally.transforms.latency.StageLag;
import io.tally.transforms.metrics.JobCounter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SortedMapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.MapState;
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
 *
 * <p>How a shard's identities are kept depends on where state lives ({@link Layout}): in one
 * compact table per shard for state on the heap, as one map entry per identity for RocksDB.
 */
public final class DeduplicateEvents extends PTransform<PCollection<Event>, PCollection<Event>> {
  /** Enough for any realistic parallelism to get an even share; few enough to stay cheap. */
  public static final int DEFAULT_SHARDS = 1024;

  /** How a shard keeps its identities in the runner's state. */
  public enum Layout {
    /**
     * One value per shard: a compact table of 128-bit hashes ({@link SeenIdentities}), read and
     * written whole. For state on the heap, where reading a value costs nothing: 16 bytes per
     * identity in a checkpoint, at most 32 on the heap.
     */
    TABLE,
    /**
     * One map entry per identity. For RocksDB, which serializes every value it reads or writes: a
     * batch then costs a lookup per event and a write per new identity, whatever the number of
     * identities remembered, where a whole table would be read and written per batch.
     */
    ENTRIES;

    /** The layout {@code name} names ({@code table} or {@code entries}), or a clear refusal. */
    public static Layout named(String name) {
      for (Layout layout : values()) {
        if (layout.name().equalsIgnoreCase(name.trim())) {
          return layout;
        }
      }
      throw new IllegalArgumentException(
          "unknown de-duplication state layout '"
              + name
              + "': table (state on the heap) or entries (state in RocksDB)");
    }
  }

  private final Duration ceiling;
  private final MetricCatalogSource catalog;
  private final int shards;
  private final Layout layout;

  private DeduplicateEvents(
      Duration ceiling, MetricCatalogSource catalog, int shards, Layout layout) {
    if (ceiling.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the dedup horizon must not be negative");
    }
    this.ceiling = ceiling;
    this.catalog = catalog;
    this.shards = shards;
    this.layout = layout;
  }

  /** Remembers every identity for {@code horizon}, whatever the definitions. */
  public static DeduplicateEvents within(Duration horizon) {
    return new DeduplicateEvents(horizon, null, DEFAULT_SHARDS, Layout.TABLE);
  }

  /**
   * Remembers identities for as long as the definitions of {@code catalog} need, at most {@code
   * ceiling}.
   */
  public static DeduplicateEvents following(MetricCatalogSource catalog, Duration ceiling) {
    return new DeduplicateEvents(ceiling, catalog, DEFAULT_SHARDS, Layout.TABLE);
  }

  /** Keeps the identities in {@code layout} (by default {@link Layout#TABLE}). */
  public DeduplicateEvents withLayout(Layout layout) {
    return new DeduplicateEvents(ceiling, catalog, shards, layout);
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
        .apply(
            "FirstArrivalWins",
            ParDo.of(
                layout == Layout.ENTRIES
                    ? new FirstArrivalEntriesFn(ceiling, catalog)
                    : new FirstArrivalFn(ceiling, catalog)))
        .setCoder(EventCoder.of());
  }

  /**
   * What both layouts share: the horizon the definitions need, the buckets of event time and when
   * each is forgotten, and the duplicates counter.
   */
  abstract static class FirstArrival extends DoFn<KV<Integer, List<Event>>, Event> {
    final long ceilingMillis;
    final long bucketMillis;

    /** Null for a fixed horizon, the ceiling. */
    private final MetricCatalogSource source;

    /** The catalog the horizon was last computed for. */
    private transient MetricCatalog catalog;

    /** The longest horizon this instance has seen its catalogs need, at most the ceiling. */
    private transient long horizonMillis;

    final JobCounter duplicates = JobCounter.of(DeduplicateEvents.class, "duplicates");

    FirstArrival(Duration ceiling, MetricCatalogSource source) {
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

    long bucketOf(long timestampMillis) {
      return Math.floorDiv(timestampMillis, bucketMillis) * bucketMillis;
    }

    /**
     * Sets {@code expiry} for when the oldest bucket, starting at {@code oldestBucket}, is due to
     * be forgotten. No output timestamp: the timer only forgets, so it must not hold the watermark
     * back.
     */
    void armExpiry(Timer expiry, long oldestBucket, long horizon) {
      expiry.withNoOutputTimestamp().set(new Instant(oldestBucket + bucketMillis + horizon));
    }

    /**
     * Buckets starting before this are due at {@code watermark}: those whose expiry has passed. The
     * horizon is the one now, which may be longer than when the timer was set: then nothing is due
     * yet, and the timer is set again for the longer horizon.
     */
    long dueBefore(long watermark, long horizon) {
      return watermark - horizon - bucketMillis + 1;
    }

    void countDuplicates(long inBatch) {
      // Counted once per batch: a metric update costs a lookup, duplicates come in floods.
      if (inBatch > 0) {
        duplicates.inc(inBatch);
      }
    }
  }

  /** {@link Layout#TABLE}: one {@link SeenIdentities} value per shard. */
  static final class FirstArrivalFn extends FirstArrival {
    @StateId("seen")
    private final StateSpec<ValueState<SeenIdentities>> seenSpec =
        StateSpecs.value(SeenIdentitiesCoder.of());

    /** When the oldest bucket is forgotten. */
    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstArrivalFn(Duration ceiling, MetricCatalogSource source) {
      super(ceiling, source);
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
      long duplicatesInBatch = 0;
      for (Event event : batch.getValue()) {
        if (seen.add(bucketOf(event.timestampMillis()), event.identity())) {
          StageLag.record(StageLag.Point.DEDUPLICATED, event.timestampMillis());
          out.output(event);
        } else {
          duplicatesInBatch++;
        }
      }
      countDuplicates(duplicatesInBatch);
      if (seen.isEmpty()) {
        return;
      }
      if (seen.firstBucket() < firstBucketBefore) {
        // A new oldest bucket: the timer must fire for it first.
        armExpiry(expiry, seen.firstBucket(), horizonMillis());
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
      long horizon = horizonMillis();
      seen.forgetBefore(dueBefore(context.fireTimestamp().getMillis(), horizon));
      if (seen.isEmpty()) {
        state.clear();
        return;
      }
      armExpiry(expiry, seen.firstBucket(), horizon);
      state.write(seen);
    }
  }

  /**
   * {@link Layout#ENTRIES}: each identity its own entry of a map state, so that a batch reads and
   * writes only the identities it carries. For each bucket of event time, the hashes it added are
   * kept in chunks (one per batch), numbered in a small directory, so that forgetting a bucket
   * removes exactly its identities with point operations: no scan of the map, whose iteration order
   * the runners do not promise.
   */
  static final class FirstArrivalEntriesFn extends FirstArrival {
    /** A remembered identity: its 128-bit hash. */
    @StateId("seen")
    private final StateSpec<MapState<KV<Long, Long>, Boolean>> seenSpec =
        StateSpecs.map(
            KvCoder.of(BigEndianLongCoder.of(), BigEndianLongCoder.of()), BooleanCoder.of());

    /** (bucket start, chunk number) → the hashes one batch added to the bucket, 16 bytes each. */
    @StateId("chunks")
    private final StateSpec<MapState<KV<Long, Integer>, byte[]>> chunksSpec =
        StateSpecs.map(KvCoder.of(BigEndianLongCoder.of(), VarIntCoder.of()), ByteArrayCoder.of());

    /** Bucket start → how many chunks it has; a few entries, one per bucket of the horizon. */
    @StateId("buckets")
    private final StateSpec<ValueState<SortedMap<Long, Integer>>> bucketsSpec =
        StateSpecs.value(SortedMapCoder.of(BigEndianLongCoder.of(), VarIntCoder.of()));

    /** When the oldest bucket is forgotten. */
    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstArrivalEntriesFn(Duration ceiling, MetricCatalogSource source) {
      super(ceiling, source);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, List<Event>> batch,
        @StateId("seen") MapState<KV<Long, Long>, Boolean> seen,
        @StateId("chunks") MapState<KV<Long, Integer>, byte[]> chunks,
        @StateId("buckets") ValueState<SortedMap<Long, Integer>> bucketState,
        @TimerId("expiry") Timer expiry,
        OutputReceiver<Event> out) {
      Map<Long, ByteBuffer> added = new HashMap<>();
      long duplicatesInBatch = 0;
      for (Event event : batch.getValue()) {
        long[] hash = SeenIdentities.hash(event.identity());
        KV<Long, Long> key = KV.of(hash[0], hash[1]);
        if (seen.get(key).read() != null) {
          duplicatesInBatch++;
          continue;
        }
        seen.put(key, Boolean.TRUE);
        added
            .computeIfAbsent(
                bucketOf(event.timestampMillis()),
                b -> ByteBuffer.allocate(16 * batch.getValue().size()))
            .putLong(hash[0])
            .putLong(hash[1]);
        StageLag.record(StageLag.Point.DEDUPLICATED, event.timestampMillis());
        out.output(event);
      }
      countDuplicates(duplicatesInBatch);
      if (added.isEmpty()) {
        return;
      }
      SortedMap<Long, Integer> buckets = bucketState.read();
      if (buckets == null) {
        buckets = new TreeMap<>();
      }
      long firstBucketBefore = buckets.isEmpty() ? Long.MAX_VALUE : buckets.firstKey();
      for (Map.Entry<Long, ByteBuffer> bucket : added.entrySet()) {
        int chunk = buckets.getOrDefault(bucket.getKey(), 0);
        ByteBuffer hashes = bucket.getValue();
        chunks.put(KV.of(bucket.getKey(), chunk), Arrays.copyOf(hashes.array(), hashes.position()));
        buckets.put(bucket.getKey(), chunk + 1);
      }
      if (buckets.firstKey() < firstBucketBefore) {
        armExpiry(expiry, buckets.firstKey(), horizonMillis());
      }
      bucketState.write(buckets);
    }

    @OnTimer("expiry")
    public void forget(
        OnTimerContext context,
        @StateId("seen") MapState<KV<Long, Long>, Boolean> seen,
        @StateId("chunks") MapState<KV<Long, Integer>, byte[]> chunks,
        @StateId("buckets") ValueState<SortedMap<Long, Integer>> bucketState,
        @TimerId("expiry") Timer expiry) {
      SortedMap<Long, Integer> buckets = bucketState.read();
      if (buckets == null) {
        return;
      }
      long horizon = horizonMillis();
      long dueBefore = dueBefore(context.fireTimestamp().getMillis(), horizon);
      Iterator<Map.Entry<Long, Integer>> it = buckets.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, Integer> bucket = it.next();
        if (bucket.getKey() >= dueBefore) {
          break;
        }
        for (int chunk = 0; chunk < bucket.getValue(); chunk++) {
          KV<Long, Integer> chunkKey = KV.of(bucket.getKey(), chunk);
          byte[] hashes = chunks.get(chunkKey).read();
          if (hashes != null) {
            ByteBuffer buffer = ByteBuffer.wrap(hashes);
            while (buffer.hasRemaining()) {
              seen.remove(KV.of(buffer.getLong(), buffer.getLong()));
            }
          }
          chunks.remove(chunkKey);
        }
        it.remove();
      }
      if (buckets.isEmpty()) {
        bucketState.clear();
        return;
      }
      armExpiry(expiry, buckets.firstKey(), horizon);
      bucketState.write(buckets);
    }
  }
}
