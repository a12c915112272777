package io.tally.pipelines.kafka;

import io.tally.transforms.latency.StageLag;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The event-time watermark of one partition: its newest event time minus the disorder bound; once
 * the reader has caught up with the partition, the wall clock (at the backlog check) minus that
 * bound; never ahead of the wall clock minus the bound; never going back.
 *
 * <p>Why not Beam's {@code CustomTimestampPolicyWithLimitedDelay}: it follows the wall clock only
 * after the partition has yielded at least one record. A partition that never receives one (fewer
 * busy keys than partitions, a fresh topic) keeps its watermark at the beginning of time, and since
 * the source's watermark is the minimum over partitions, no window ever closes.
 */
public final class BoundedDisorderTimestampPolicy<K, V> extends TimestampPolicy<K, V> {
  private final SerializableFunction<KafkaRecord<K, V>, Instant> eventTime;
  private final Duration maxDisorder;
  private Instant maxEventTime;
  private Instant watermark;

  public BoundedDisorderTimestampPolicy(
      SerializableFunction<KafkaRecord<K, V>, Instant> eventTime,
      Duration maxDisorder,
      Optional<Instant> previousWatermark) {
    this.eventTime = eventTime;
    this.maxDisorder = maxDisorder;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.maxEventTime = BoundedWindow.TIMESTAMP_MIN_VALUE;
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<K, V> record) {
    // The one place that sees every record as the source reads it: how long it waited in Kafka.
    if (record.getTimestampType() != KafkaTimestampType.NO_TIMESTAMP_TYPE) {
      StageLag.record(StageLag.Point.IN_KAFKA, record.getTimestamp());
    }
    Instant ts = eventTime.apply(record);
    if (ts.isAfter(maxEventTime)) {
      maxEventTime = ts;
    }
    return ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant candidate =
        maxEventTime.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE.plus(maxDisorder))
            ? maxEventTime.minus(maxDisorder)
            : BoundedWindow.TIMESTAMP_MIN_VALUE;
    if (ctx.getMessageBacklog() == 0) {
      // Caught up: whatever arrives next was written after the backlog check.
      Instant idle = ctx.getBacklogCheckTime().minus(maxDisorder);
      if (idle.isAfter(candidate)) {
        candidate = idle;
      }
    }
    // An event time in the future must not close windows early.
    Instant cap = Instant.now().minus(maxDisorder);
    if (candidate.isAfter(cap)) {
      candidate = cap;
    }
    if (candidate.isAfter(watermark)) {
      watermark = candidate;
    }
    return watermark;
  }
}
