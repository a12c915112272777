package io.tally.pipelines.sinks;

import io.tally.model.event.Event;
import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.sinks.BufferedBatchWrites.BatchWriter;
import io.tally.pipelines.sinks.BufferedBatchWrites.BatchWriterProvider;
import io.tally.pipelines.sinks.BufferedBatchWrites.Settings;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.archive.EventArchive;
import io.tally.tiering.archive.EventArchiveProvider;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.transforms.coders.EventCoder;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Appends de-duplicated events to the raw event archive, in batches, off the path that events take
 * to the change feed, and without holding up the pipeline while the archive is down.
 *
 * <p>Appending where the events are de-duplicated made every event wait for a request to the
 * archive at the end of each bundle (and for its stalls): events are now spread over shards by
 * identity ({@link TallyPipelineOptions#getTierWriters}) and written through {@link
 * BufferedBatchWrites}, at most {@link #DEFAULT_MAX_BATCH_SIZE} a request, each waiting at most
 * {@link #DEFAULT_MAX_BATCH_DELAY}; while the archive is down they stay in checkpointed state and
 * are retried with a backoff, and a shard that holds {@link #DEFAULT_MAX_BUFFERED} holds back its
 * input. An accepted event is never left out of the archive, and one appended twice is still one
 * event to a replay.
 */
public final class WriteToEventArchive extends PTransform<PCollection<Event>, PDone> {
  public static final int DEFAULT_MAX_BATCH_SIZE = 10_000;
  public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofSeconds(1);
  public static final int DEFAULT_SHARDS = 1;
  public static final int DEFAULT_MAX_BUFFERED = 50_000;
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  private final EventArchiveProvider provider;
  private final Settings settings;

  private WriteToEventArchive(EventArchiveProvider provider, Settings settings) {
    this.provider = provider;
    this.settings = settings;
  }

  public static WriteToEventArchive to(EventArchiveProvider provider) {
    return new WriteToEventArchive(
        provider,
        new Settings(
            DEFAULT_MAX_BATCH_SIZE,
            DEFAULT_MAX_BATCH_DELAY.toMillis(),
            DEFAULT_SHARDS,
            DEFAULT_MAX_BUFFERED,
            DEFAULT_FIRST_BACKOFF.toMillis(),
            DEFAULT_MAX_BACKOFF.toMillis()));
  }

  /** The archive the options name, with their number of writers, or null when they name none. */
  public static WriteToEventArchive of(TallyPipelineOptions options) {
    if (options.getArchiveJdbcUrl() == null) {
      return null;
    }
    ClickHouseConfig config =
        ClickHouseConfig.of(options.getArchiveJdbcUrl(), options.getArchiveDatabase());
    return to(() -> new ClickHouseEventArchive(config)).withShards(options.getTierWriters());
  }

  /** Events are spread over {@code count} writers, each appending its own batches. */
  public WriteToEventArchive withShards(int count) {
    return new WriteToEventArchive(provider, settings.withShards(count));
  }

  public WriteToEventArchive withMaxBatchSize(int events) {
    return new WriteToEventArchive(provider, settings.withMaxBatchSize(events));
  }

  public WriteToEventArchive withMaxBatchDelay(Duration delay) {
    return new WriteToEventArchive(provider, settings.withMaxBatchDelay(delay));
  }

  public WriteToEventArchive withBackoff(Duration first, Duration max) {
    return new WriteToEventArchive(provider, settings.withBackoff(first, max));
  }

  @Override
  public PDone expand(PCollection<Event> events) {
    PCollection<KV<Integer, Event>> sharded =
        events
            .apply("ShardEvents", ParDo.of(new ShardFn(settings)))
            .setCoder(KvCoder.of(VarIntCoder.of(), EventCoder.of()));
    return new BufferedBatchWrites<>(
            "event archive",
            "events",
            new ArchiveWriterProvider(provider),
            settings,
            WriteToEventArchive.class,
            "events_archived")
        .applyTo(sharded);
  }

  /** Keys events by a shard of their identity. */
  static final class ShardFn extends DoFn<Event, KV<Integer, Event>> {
    private final Settings settings;

    ShardFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element Event event, OutputReceiver<KV<Integer, Event>> out) {
      out.output(
          KV.of(settings.shardOf(31 * event.source().hashCode() + event.id().hashCode()), event));
    }
  }

  /** The archive as the buffered writes see it. */
  private record ArchiveWriterProvider(EventArchiveProvider provider)
      implements BatchWriterProvider<Event> {
    @Override
    public BatchWriter<Event> open() {
      EventArchive archive = provider.open();
      return new BatchWriter<>() {
        @Override
        public void prepare() {
          archive.createSchema();
        }

        @Override
        public void write(List<Event> batch) {
          archive.append(batch);
        }

        @Override
        public void close() {
          archive.close();
        }
      };
    }
  }
}
