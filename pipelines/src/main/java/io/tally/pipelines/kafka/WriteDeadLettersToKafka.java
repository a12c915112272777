package io.tally.pipelines.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.deadletter.DeadLetter;
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
 */
public final class WriteDeadLettersToKafka extends PTransform<PCollection<DeadLetter>, PDone> {
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
      ObjectNode json = JSON.createObjectNode();
      json.put("reason", deadLetter.reason().wireName());
      json.put("error", deadLetter.detail());
      json.put("payload", deadLetter.payload());
      json.put("ts", Instant.ofEpochMilli(deadLetter.timestampMillis()).toString());
      out.output(JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
    }
  }
}
