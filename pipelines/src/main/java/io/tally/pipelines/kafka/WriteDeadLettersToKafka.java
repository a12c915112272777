package io.tally.pipelines.kafka;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.deadletter.DeadLetterJson;
import io.tally.transforms.metrics.JobCounter;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes dead letters to the dead-letter topic in the format of {@link DeadLetterJson}, marked
 * as refused by the pipeline. Counted by reason in the pipeline's metrics.
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
                .withProducerConfigUpdates(
                    KafkaClientSettings.with(options, ReliableProducer.config()))
                .values());
  }

  static final class ToJsonFn extends DoFn<DeadLetter, byte[]> {
    private final JobCounter invalid = JobCounter.of(WriteDeadLettersToKafka.class, "invalid");
    private final JobCounter late = JobCounter.of(WriteDeadLettersToKafka.class, "late");

    @ProcessElement
    public void process(@Element DeadLetter deadLetter, OutputReceiver<byte[]> out) {
      (deadLetter.reason() == DeadLetter.Reason.LATE ? late : invalid).inc();
      out.output(DeadLetterJson.toJson(deadLetter, DeadLetterJson.Stage.PIPELINE));
    }
  }
}
