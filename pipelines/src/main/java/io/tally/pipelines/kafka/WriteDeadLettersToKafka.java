package io.tally.pipelines.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.deadletter.DeadLetter;
import io.tally.event.EventParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes dead letters to the dead-letter topic as JSON: {@code reason} ({@code invalid} or
 * {@code late}), {@code error}, {@code payload} (the record as received, or the identity of a late
 * event) and {@code ts}. Counted by reason in the pipeline's metrics.
 *
 * <p>A payload longer than {@link #MAX_PAYLOAD_CHARS} is cut to that many characters, with
 * {@code payloadTruncated: true} and its full {@code payloadLength}: a record as large as the
 * events topic accepts (megabytes) must still fit in a dead letter, or writing it would fail the
 * pipeline. Such a record is invalid for its size alone, so its beginning is enough to find it.
 */
public final class WriteDeadLettersToKafka extends PTransform<PCollection<DeadLetter>, PDone> {
  /** Four times the largest valid event; with JSON escaping still far below 1 MB per record. */
  static final int MAX_PAYLOAD_CHARS = 4 * EventParser.MAX_EVENT_BYTES;

  private final KafkaOptions options;

  private WriteDeadLettersToKafka(KafkaOptions options) {
    this.options = options;
  }

  public static WriteDeadLettersToKafka to(KafkaOptions options) {
    return new WriteDeadLettersToKafka(options);
  }

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    return deadLetters
        .apply("ToJson", ParDo.of(new ToJsonFn()))
        .apply(
            "Publish",
            KafkaIO.<byte[], byte[]>write()
                .withBootstrapServers(options.getBootstrapServers())
                .withTopic(options.getDeadLetterTopic())
                .withKeySerializer(ByteArraySerializer.class)
                .withValueSerializer(ByteArraySerializer.class)
                .withProducerConfigUpdates(ReliableProducer.config())
                .values());
  }

  static final class ToJsonFn extends DoFn<DeadLetter, byte[]> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Counter invalid = Metrics.counter(WriteDeadLettersToKafka.class, "invalid");
    private final Counter late = Metrics.counter(WriteDeadLettersToKafka.class, "late");

    @ProcessElement
    public void process(@Element DeadLetter deadLetter, OutputReceiver<byte[]> out)
        throws Exception {
      (deadLetter.reason() == DeadLetter.Reason.LATE ? late : invalid).inc();
      out.output(toJson(deadLetter));
    }

    static byte[] toJson(DeadLetter deadLetter) throws Exception {
      ObjectNode json = JSON.createObjectNode();
      json.put("reason", deadLetter.reason().wireName());
      json.put("error", deadLetter.detail());
      String payload = deadLetter.payload();
      if (payload != null && payload.length() > MAX_PAYLOAD_CHARS) {
        // Never between the two halves of a surrogate pair.
        int cut =
            Character.isHighSurrogate(payload.charAt(MAX_PAYLOAD_CHARS - 1))
                ? MAX_PAYLOAD_CHARS - 1
                : MAX_PAYLOAD_CHARS;
        json.put("payload", payload.substring(0, cut));
        json.put("payloadTruncated", true);
        json.put("payloadLength", payload.length());
      } else {
        json.put("payload", payload);
      }
      json.put("ts", Instant.ofEpochMilli(deadLetter.timestampMillis()).toString());
      return JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
    }
  }
}
