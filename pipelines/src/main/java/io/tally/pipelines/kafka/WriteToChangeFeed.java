package io.tally.pipelines.kafka;

import io.tally.model.update.WindowUpdate;
import io.tally.tiering.feed.WindowUpdateJson;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes every window update to the change feed: a compacted topic keyed by window, whose values
 * are {@link WindowUpdateJson}. Serving nodes rebuild their view of recent windows from it and
 * follow it for live updates; since readers apply updates by the larger {@code events}, the
 * duplicates a retry or a restart may publish change nothing.
 */
public final class WriteToChangeFeed extends PTransform<PCollection<WindowUpdate>, PDone> {
  private static final TypeDescriptor<KV<byte[], byte[]>> BYTES_TO_BYTES =
      new TypeDescriptor<>() {};

  private final KafkaOptions options;

  private WriteToChangeFeed(KafkaOptions options) {
    this.options = options;
  }

  public static WriteToChangeFeed to(KafkaOptions options) {
    return new WriteToChangeFeed(options);
  }

  @Override
  public PDone expand(PCollection<WindowUpdate> updates) {
    return updates
        .apply(
            "ToKeyedJson",
            MapElements.into(BYTES_TO_BYTES)
                .via(
                    (WindowUpdate u) ->
                        KV.of(WindowUpdateJson.key(u), WindowUpdateJson.toBytes(u))))
        .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
        .apply(
            "Publish",
            KafkaIO.<byte[], byte[]>write()
                .withBootstrapServers(options.getBootstrapServers())
                .withTopic(options.getChangeFeedTopic())
                .withKeySerializer(ByteArraySerializer.class)
                .withValueSerializer(ByteArraySerializer.class)
                .withProducerConfigUpdates(
                    KafkaClientSettings.with(
                        options, ReliableProducer.config(options.getChangeFeedCompression()))));
  }
}
