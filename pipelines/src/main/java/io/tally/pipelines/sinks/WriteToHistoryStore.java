package io.tally.pipelines.sinks;

import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.update.WindowUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes final window updates to the history tier (its finest resolution), in batches: a batch is
 * written once it holds {@link #DEFAULT_MAX_BATCH_SIZE} rows, once its first row has waited
 * {@link #DEFAULT_MAX_BATCH_DELAY} when the next one arrives, and at the end of every bundle
 * (streaming bundles are short), whichever comes first. Non-final updates are ignored: the hot
 * tier serves windows until they are final.
 *
 * <p>Retries are safe: a bundle that fails is retried whole by the runner, and the history tier
 * replaces a window written again instead of adding to it.
 */
public final class WriteToHistoryStore extends PTransform<PCollection<WindowUpdate>, PDone> {
  public static final int DEFAULT_MAX_BATCH_SIZE = 1_000;
  public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofSeconds(1);

  private final HistoryStoreProvider provider;
  private final int maxBatchSize;
  private final Duration maxBatchDelay;

  private WriteToHistoryStore(HistoryStoreProvider provider, int maxBatchSize, Duration maxBatchDelay) {
    if (maxBatchSize < 1 || maxBatchDelay.isNegative()) {
      throw new IllegalArgumentException("a batch holds at least one row and waits no negative time");
    }
    this.provider = provider;
    this.maxBatchSize = maxBatchSize;
    this.maxBatchDelay = maxBatchDelay;
  }

  public static WriteToHistoryStore to(HistoryStoreProvider provider) {
    return new WriteToHistoryStore(provider, DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_DELAY);
  }

  public WriteToHistoryStore withMaxBatchSize(int rows) {
    return new WriteToHistoryStore(provider, rows, maxBatchDelay);
  }

  public WriteToHistoryStore withMaxBatchDelay(Duration delay) {
    return new WriteToHistoryStore(provider, maxBatchSize, delay);
  }

  @Override
  public PDone expand(PCollection<WindowUpdate> updates) {
    updates.apply(
        "WriteFinalWindows", ParDo.of(new BatchFn(provider, maxBatchSize, maxBatchDelay.toMillis())));
    return PDone.in(updates.getPipeline());
  }

  static final class BatchFn extends DoFn<WindowUpdate, Void> {
    private final HistoryStoreProvider provider;
    private final int maxBatchSize;
    private final long maxBatchDelayMillis;
    private final Counter written = Metrics.counter(WriteToHistoryStore.class, "windows_written");
    private final Counter batches = Metrics.counter(WriteToHistoryStore.class, "batches_written");
    private final Counter notFinal = Metrics.counter(WriteToHistoryStore.class, "non_final_ignored");
    private transient HistoryStore store;
    private transient List<WindowUpdate> buffer;
    private transient long firstBufferedAt;

    BatchFn(HistoryStoreProvider provider, int maxBatchSize, long maxBatchDelayMillis) {
      this.provider = provider;
      this.maxBatchSize = maxBatchSize;
      this.maxBatchDelayMillis = maxBatchDelayMillis;
    }

    @Setup
    public void open() {
      store = provider.open();
      buffer = new ArrayList<>();
    }

    @StartBundle
    public void startBundle() {
      // What a failed bundle left behind is retried with that bundle, not written with this one.
      buffer.clear();
    }

    @ProcessElement
    public void process(@Element WindowUpdate update) {
      if (!update.isFinal() || update.accumulator() == null) {
        notFinal.inc();
        return;
      }
      if (buffer.isEmpty()) {
        firstBufferedAt = System.currentTimeMillis();
      }
      buffer.add(update);
      if (buffer.size() >= maxBatchSize
          || System.currentTimeMillis() - firstBufferedAt >= maxBatchDelayMillis) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() {
      flush();
    }

    private void flush() {
      if (buffer.isEmpty()) {
        return;
      }
      store.write(List.copyOf(buffer));
      written.inc(buffer.size());
      batches.inc();
      buffer.clear();
    }
  }
}
