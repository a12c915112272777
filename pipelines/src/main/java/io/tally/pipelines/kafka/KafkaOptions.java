package io.tally.pipelines.kafka;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the streaming pipeline reads events from and publishes its results to. */
public interface KafkaOptions extends PipelineOptions {

  @Description("Kafka bootstrap servers, host:port[,host:port...]")
  @Default.String("127.0.0.1:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description("Topic of raw events (JSON, keyed by category)")
  @Default.String("events")
  String getEventsTopic();

  void setEventsTopic(String value);

  @Description("Compacted topic that receives every window update (the change feed)")
  @Default.String("aggregates")
  String getChangeFeedTopic();

  void setChangeFeedTopic(String value);

  @Description("Topic that receives every record that was not counted, with the reason")
  @Default.String("events.dlq")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description(
      "Compacted topic of metric definition changes (the rule log): the pipeline follows it and"
          + " applies changes without a restart")
  @Default.String("rules")
  String getRulesTopic();

  void setRulesTopic(String value);

  @Description(
      "Kafka client settings for every producer, consumer and admin client of the pipeline, as"
          + " key=value pairs separated by commas (e.g."
          + " security.protocol=SASL_SSL,sasl.mechanism=PLAIN): what a cluster with TLS or SASL"
          + " needs")
  @Default.String("")
  String getKafkaProperties();

  void setKafkaProperties(String value);

  @Description("Consumer group whose committed offsets record how far the pipeline has read")
  @Default.String("tally-aggregation")
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description(
      "How far behind the newest event time of a partition an event may still arrive before it"
          + " counts as late: the watermark trails by this much, e.g. 5s")
  @Default.String("5s")
  String getMaxDisorder();

  void setMaxDisorder(String value);

  @Description(
      "Compression of the change-feed producer: none, lz4, zstd, snappy or gzip. The feed's"
          + " batches are small (the writer flushes at the end of every bundle), and compressing"
          + " each costs more CPU than the aggregation itself: compress only where the network to"
          + " the brokers is the bottleneck")
  @Default.String("none")
  String getChangeFeedCompression();

  void setChangeFeedCompression(String value);
}
