package io.tally.pipelines.kafka;

import io.tally.model.codec.Utf8;
import io.tally.model.deadletter.DeadLetter;
import io.tally.model.event.EventParser;
import io.tally.transforms.coders.DeadLetterCoder;
import java.nio.charset.CharacterCodingException;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Raw events from the events topic, timestamped with their event time ({@code ts}).
 *
 * <p>The watermark of each partition trails its newest event time by {@code maxDisorder}, never
 * runs ahead of the wall clock minus that bound, and follows the wall clock when the partition is
 * caught up, even one that never had a record, so a quiet partition does not stall every window
 * ({@link BoundedDisorderTimestampPolicy}). Offsets are committed when Beam finalizes a checkpoint:
 * on a restart from a checkpoint, reading resumes exactly where that checkpoint's state was taken.
 *
 * <p>Records that are not valid UTF-8 cannot become strings; they go straight to the dead-letter
 * topic here, with their bytes in Base64.
 */
public final class ReadEventsFromKafka extends PTransform<PBegin, PCollection<String>> {
  static final TupleTag<String> RECORDS = new TupleTag<>() {};
  static final TupleTag<DeadLetter> UNDECODABLE = new TupleTag<>() {};

  private final KafkaOptions options;
  private final Duration maxDisorder;

  private ReadEventsFromKafka(KafkaOptions options, Duration maxDisorder) {
    this.options = options;
    this.maxDisorder = maxDisorder;
  }

  public static ReadEventsFromKafka with(KafkaOptions options, Duration maxDisorder) {
    return new ReadEventsFromKafka(options, maxDisorder);
  }

  @Override
  public PCollection<String> expand(PBegin begin) {
    Duration disorder = maxDisorder;
    PCollectionTuple decoded =
        begin
            .apply(
                "ReadTopic",
                KafkaIO.<byte[], byte[]>read()
                    .withBootstrapServers(options.getBootstrapServers())
                    .withTopic(options.getEventsTopic())
                    .withKeyDeserializer(ByteArrayDeserializer.class)
                    .withValueDeserializer(ByteArrayDeserializer.class)
                    .withConsumerConfigUpdates(
                        KafkaClientSettings.with(
                            options,
                            Map.of(
                                ConsumerConfig.GROUP_ID_CONFIG,
                                options.getConsumerGroup(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest")))
                    .withTimestampPolicyFactory(
                        (partition, previousWatermark) ->
                            new BoundedDisorderTimestampPolicy<>(
                                ReadEventsFromKafka::eventTime, disorder, previousWatermark))
                    .commitOffsetsInFinalize())
            .apply(
                "DecodeUtf8",
                ParDo.of(new DecodeFn()).withOutputTags(RECORDS, TupleTagList.of(UNDECODABLE)));
    decoded
        .get(UNDECODABLE)
        .setCoder(DeadLetterCoder.of())
        .apply("WriteUndecodable", WriteDeadLettersToKafka.to(options));
    return decoded.get(RECORDS).setCoder(StringUtf8Coder.of());
  }

  /** The record's {@code ts}, or its Kafka timestamp when it has none (it is invalid then). */
  static Instant eventTime(KafkaRecord<byte[], byte[]> record) {
    OptionalLong ts = EventParser.eventTime(record.getKV().getValue());
    return new Instant(ts.isPresent() ? ts.getAsLong() : record.getTimestamp());
  }

  static final class DecodeFn extends DoFn<KafkaRecord<byte[], byte[]>, String> {
    @ProcessElement
    public void process(
        @Element KafkaRecord<byte[], byte[]> record,
        @Timestamp Instant timestamp,
        MultiOutputReceiver out) {
      byte[] value = record.getKV().getValue();
      if (value == null) {
        out.get(UNDECODABLE)
            .output(
                new DeadLetter(
                    DeadLetter.Reason.INVALID, "empty record", "", timestamp.getMillis()));
        return;
      }
      try {
        out.get(RECORDS).output(Utf8.decode(value));
      } catch (CharacterCodingException e) {
        out.get(UNDECODABLE)
            .output(DeadLetter.invalid(value, "not valid UTF-8", timestamp.getMillis()));
      }
    }
  }
}
