package io.tally.pipelines.kafka;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.Durations;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.QuietSourceReaders;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.sinks.AerospikeOptions;
import io.tally.pipelines.sinks.AerospikeTier;
import io.tally.pipelines.sinks.HistoryOptions;
import io.tally.pipelines.sinks.HistoryTier;
import io.tally.pipelines.sinks.WriteToAerospike;
import io.tally.pipelines.sinks.WriteToHistoryStore;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.hot.aerospike.AerospikeConfig;
import io.tally.tiering.rules.RuleLogCatalogSource;
import io.tally.tiering.rules.SharedRuleLogs;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * The production pipeline: events from the Kafka log, window updates to the change feed (and, with
 * {@code --aerospikeHosts}, to the Aerospike hot tier; with {@code --historyJdbcUrl}, final windows
 * to the history tier), dead letters to their topic. Everything it needs to recover is in Kafka and
 * in the runner's checkpoints: after a failure it resumes from the last checkpoint's offsets and
 * state, and the updates it publishes again are harmless, since readers keep the larger {@code
 * events}.
 */
public final class KafkaAggregationPipeline {
  private KafkaAggregationPipeline() {}

  /**
   * The definitions of the rule log on {@code --rulesTopic}, seeded with {@code initial} (each
   * becomes its metric's first version unless the log already knows the name). Every worker process
   * follows the topic with one consumer and applies changes without a restart.
   */
  public static MetricCatalogSource followRules(KafkaOptions options, MetricCatalog initial) {
    Map<String, Object> client = KafkaClientSettings.client(options);
    SharedRuleLogs.kafka(client, options.getRulesTopic())
        .seed(initial, java.time.Duration.ofSeconds(30));
    return RuleLogCatalogSource.kafka(client, options.getRulesTopic());
  }

  public static WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> build(
      Pipeline pipeline, MetricCatalogSource catalog) {
    KafkaOptions options = pipeline.getOptions().as(KafkaOptions.class);
    Duration maxDisorder = Duration.millis(Durations.parseMillis(options.getMaxDisorder()));
    WithFailures.Result<PCollection<WindowUpdate>, DeadLetter> result =
        AggregationPipeline.build(
            pipeline,
            ReadEventsFromKafka.with(options, maxDisorder),
            catalog,
            WriteToChangeFeed.to(options),
            WriteDeadLettersToKafka.to(options));
    AerospikeConfig aerospike =
        AerospikeTier.config(pipeline.getOptions().as(AerospikeOptions.class));
    if (aerospike != null) {
      result
          .output()
          .apply(
              "WriteAerospike",
              WriteToAerospike.to(
                  aerospike,
                  pipeline.getOptions().as(AerospikeOptions.class).getAerospikeMaxInFlight()));
    }
    ClickHouseConfig history = HistoryTier.config(pipeline.getOptions().as(HistoryOptions.class));
    if (history != null) {
      HistoryStoreProvider provider = HistoryTier.provider(history, catalog);
      int writers = pipeline.getOptions().as(TallyPipelineOptions.class).getTierWriters();
      result.output().apply("WriteHistory", WriteToHistoryStore.to(provider).withShards(writers));
    }
    QuietSourceReaders.apply(pipeline);
    return result;
  }
}
