package io.tally.transforms;

import io.tally.model.event.Event;
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
 * once the watermark passes the event's time plus the horizon (rounded up to a tenth of the
 * horizon). A copy that arrives after that would be counted again, unless it is too late for every
 * window it falls in, in which case aggregation sends it to the dead letter. So a horizon at least
 * as long as the longest window plus its allowed lateness makes de-duplication exact; a shorter one
 * trades exactness for memory (one string per distinct event within the horizon).
 *
 * <p>Identities are spread over a fixed number of shards by hash, and each shard keeps them in
 * buckets of event time. That costs one state entry and one timer per shard and bucket, where a
 * state entry and a timer per identity would cost several times the memory and time.
 */
public final class DeduplicateEvents extends PTransform<PCollection<Event>, PCollection<Event>> {
  /** Enough for any realistic parallelism to get an even share; few enough to stay cheap. */
  public static final int DEFAULT_SHARDS = 1024;

  private final Duration horizon;
  private final int shards;

  private DeduplicateEvents(Duration horizon, int shards) {
    this.horizon = horizon;
    this.shards = shards;
  }

  public static DeduplicateEvents within(Duration horizon) {
    if (horizon.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the dedup horizon must not be negative");
    }
    return new DeduplicateEvents(horizon, DEFAULT_SHARDS);
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
        .apply("FirstArrivalWins", ParDo.of(new FirstArrivalFn(horizon)))
        .setCoder(EventCoder.of());
  }

  static final class FirstArrivalFn extends DoFn<KV<Integer, List<Event>>, Event> {
    private final long horizonMillis;
    private final long bucketMillis;
    private final Counter duplicates = Metrics.counter(DeduplicateEvents.class, "duplicates");

    @StateId("seen")
    private final StateSpec<ValueState<SeenIdentities>> seenSpec =
        StateSpecs.value(SeenIdentitiesCoder.of());

    /** When the oldest bucket is forgotten. */
    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstArrivalFn(Duration horizon) {
      this.horizonMillis = horizon.getMillis();
      this.bucketMillis = Math.max(1_000, horizonMillis / 10);
    }

    private long bucketOf(long timestampMillis) {
      return Math.floorDiv(timestampMillis, bucketMillis) * bucketMillis;
    }

    private long expiryOf(long bucketStart) {
      return bucketStart + bucketMillis + horizonMillis;
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
        String identity = event.identity();
        if (seen.contains(identity)) {
          duplicatesInBatch++;
          continue;
        }
        seen.add(bucketOf(event.timestampMillis()), identity);
        out.output(event);
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
        expiry.withNoOutputTimestamp().set(new Instant(expiryOf(seen.firstBucket())));
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
      // Buckets whose expiry has passed: those starting before watermark - horizon - bucket + 1.
      seen.forgetBefore(watermark - horizonMillis - bucketMillis + 1);
      if (seen.isEmpty()) {
        state.clear();
        return;
      }
      expiry.withNoOutputTimestamp().set(new Instant(expiryOf(seen.firstBucket())));
      state.write(seen);
    }
  }
}
