package io.tally.pipelines.sinks;

import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.sinks.BufferedBatchWrites.BatchWriter;
import io.tally.pipelines.sinks.BufferedBatchWrites.BatchWriterProvider;
import io.tally.pipelines.sinks.BufferedBatchWrites.Settings;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.transforms.coders.WindowUpdateCoder;
import io.tally.transforms.metrics.JobCounter;
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
 * Writes final window updates to the history tier (its finest resolution), in batches, without
 * holding up the rest of the pipeline while the history tier is down.
 *
 * <p>Final updates are spread over shards by window ({@link #DEFAULT_SHARDS} unless {@link
 * #withShards}) and written through {@link BufferedBatchWrites}: at most {@link
 * #DEFAULT_MAX_BATCH_SIZE} rows a request, a row waits at most {@link #DEFAULT_MAX_BATCH_DELAY};
 * while the tier is down, rows stay in checkpointed state, retried after a backoff from {@link
 * #DEFAULT_FIRST_BACKOFF} up to {@link #DEFAULT_MAX_BACKOFF}, and a shard that holds {@link
 * #DEFAULT_MAX_BUFFERED} rows holds back its input. Non-final updates are ignored: the hot tier
 * serves windows until they are final.
 *
 * <p><b>Nothing is written twice in effect</b>: a write that is retried (after a failure, a timeout
 * whose request did land, or a restore from a checkpoint) writes the same windows with the same
 * {@code events}, and the history tier keeps one row per window, the one with the most events.
 */
public final class WriteToHistoryStore extends PTransform<PCollection<WindowUpdate>, PDone> {
  public static final int DEFAULT_MAX_BATCH_SIZE = 1_000;
  public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofSeconds(1);
  public static final int DEFAULT_SHARDS = 1;
  public static final int DEFAULT_MAX_BUFFERED = 200_000;
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  private final HistoryStoreProvider provider;
  private final Settings settings;

  private WriteToHistoryStore(HistoryStoreProvider provider, Settings settings) {
    this.provider = provider;
    this.settings = settings;
  }

  public static WriteToHistoryStore to(HistoryStoreProvider provider) {
    return new WriteToHistoryStore(
        provider,
        new Settings(
            DEFAULT_MAX_BATCH_SIZE,
            DEFAULT_MAX_BATCH_DELAY.toMillis(),
            DEFAULT_SHARDS,
            DEFAULT_MAX_BUFFERED,
            DEFAULT_FIRST_BACKOFF.toMillis(),
            DEFAULT_MAX_BACKOFF.toMillis()));
  }

  public WriteToHistoryStore withMaxBatchSize(int rows) {
    return new WriteToHistoryStore(provider, settings.withMaxBatchSize(rows));
  }

  public WriteToHistoryStore withMaxBatchDelay(Duration delay) {
    return new WriteToHistoryStore(provider, settings.withMaxBatchDelay(delay));
  }

  /**
   * Final updates are spread over {@code count} writers, each appending its own batches (the
   * pipelines take it from {@link io.tally.pipelines.TallyPipelineOptions#getTierWriters}).
   */
  public WriteToHistoryStore withShards(int count) {
    return new WriteToHistoryStore(provider, settings.withShards(count));
  }

  /** The most rows one shard holds while the history tier is down before it holds back input. */
  public WriteToHistoryStore withMaxBuffered(int rows) {
    return new WriteToHistoryStore(provider, settings.withMaxBuffered(rows));
  }

  public WriteToHistoryStore withBackoff(Duration first, Duration max) {
    return new WriteToHistoryStore(provider, settings.withBackoff(first, max));
  }

  @Override
  public PDone expand(PCollection<WindowUpdate> updates) {
    PCollection<KV<Integer, WindowUpdate>> sharded =
        updates
            .apply("ShardFinalWindows", ParDo.of(new ShardFn(settings)))
            .setCoder(KvCoder.of(VarIntCoder.of(), WindowUpdateCoder.of()));
    return new BufferedBatchWrites<>(
            "history tier",
            "windows",
            new HistoryWriterProvider(provider),
            settings,
            WriteToHistoryStore.class,
            "windows_written")
        .applyTo(sharded);
  }

  /** Keeps final updates with their accumulator, keyed by a shard of their window. */
  static final class ShardFn extends DoFn<WindowUpdate, KV<Integer, WindowUpdate>> {
    private final Settings settings;
    private final JobCounter notFinal =
        JobCounter.of(WriteToHistoryStore.class, "non_final_ignored");

    ShardFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(
        @Element WindowUpdate update, OutputReceiver<KV<Integer, WindowUpdate>> out) {
      if (!update.isFinal() || update.accumulator() == null) {
        notFinal.inc();
        return;
      }
      WindowKey key = update.key();
      out.output(KV.of(settings.shardOf(key.hashCode()), update));
    }
  }

  /** The history store as the buffered writes see it. */
  private record HistoryWriterProvider(HistoryStoreProvider provider)
      implements BatchWriterProvider<WindowUpdate> {
    @Override
    public BatchWriter<WindowUpdate> open() {
      HistoryStore store = provider.open();
      return new BatchWriter<>() {
        @Override
        public void prepare() {
          store.createSchema();
        }

        @Override
        public void write(List<WindowUpdate> batch) {
          store.write(batch);
        }

        @Override
        public void close() {
          store.close();
        }
      };
    }
  }
}
