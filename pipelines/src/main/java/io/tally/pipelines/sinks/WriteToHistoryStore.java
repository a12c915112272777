package io.tally.pipelines.sinks;

import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.transforms.coders.WindowUpdateCoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes final window updates to the history tier (its finest resolution), in batches, without
 * holding up the rest of the pipeline while the history tier is down.
 *
 * <p>Final updates are spread over {@link #DEFAULT_SHARDS} keys by window and buffered in keyed
 * state, which the runner checkpoints: a shard writes its buffer once it holds {@link
 * #DEFAULT_MAX_BATCH_SIZE} rows or its oldest row has waited {@link #DEFAULT_MAX_BATCH_DELAY},
 * whichever comes first. Non-final updates are ignored: the hot tier serves windows until they are
 * final.
 *
 * <p><b>When the history tier is down</b> a write fails, the rows stay in the buffer, and the shard
 * tries again after a backoff that doubles from {@link #DEFAULT_FIRST_BACKOFF} up to {@link
 * #DEFAULT_MAX_BACKOFF}, while the rest of the pipeline (hot tier, change feed) goes on. The buffer
 * is bounded: a shard that holds {@link #DEFAULT_MAX_BUFFERED} rows stops taking more and retries
 * in place until the tier answers, which holds back the pipeline (and leaves events in the durable
 * log upstream) rather than growing without bound. Nothing is dropped: the rows are in checkpointed
 * state until a write has succeeded, and when the input ends the remaining rows are written before
 * the pipeline finishes.
 *
 * <p>The sink creates the history tables (unless they exist) before its first write, so that a
 * pipeline may start while the history tier is down.
 *
 * <p><b>Nothing is written twice in effect</b>: a write that is retried (after a failure, a timeout
 * whose request did land, or a restore from a checkpoint) writes the same windows with the same
 * {@code events}, and the history tier keeps one row per window, the one with the most events.
 */
public final class WriteToHistoryStore extends PTransform<PCollection<WindowUpdate>, PDone> {
  public static final int DEFAULT_MAX_BATCH_SIZE = 1_000;
  public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofSeconds(1);
  public static final int DEFAULT_SHARDS = 16;
  public static final int DEFAULT_MAX_BUFFERED = 200_000;
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  private final HistoryStoreProvider provider;
  private final Settings settings;

  /** How the sink batches, buffers and retries. */
  record Settings(
      int maxBatchSize,
      long maxBatchDelayMillis,
      int shards,
      int maxBuffered,
      long firstBackoffMillis,
      long maxBackoffMillis)
      implements java.io.Serializable {
    Settings {
      if (maxBatchSize < 1 || maxBatchDelayMillis < 0 || shards < 1) {
        throw new IllegalArgumentException(
            "a batch holds at least one row and waits no negative time; at least one shard");
      }
      if (maxBuffered < maxBatchSize) {
        throw new IllegalArgumentException("a shard must be able to buffer at least one batch");
      }
      if (firstBackoffMillis < 1 || maxBackoffMillis < firstBackoffMillis) {
        throw new IllegalArgumentException("backoffs must be positive, the first one the smallest");
      }
    }

    /** The wait after {@code failures} consecutive failed writes. */
    long backoffMillis(int failures) {
      long backoff = firstBackoffMillis;
      for (int i = 1; i < failures && backoff < maxBackoffMillis; i++) {
        backoff *= 2;
      }
      return Math.min(backoff, maxBackoffMillis);
    }
  }

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
    Settings s = settings;
    return new WriteToHistoryStore(
        provider,
        new Settings(
            rows,
            s.maxBatchDelayMillis(),
            s.shards(),
            Math.max(rows, s.maxBuffered()),
            s.firstBackoffMillis(),
            s.maxBackoffMillis()));
  }

  public WriteToHistoryStore withMaxBatchDelay(Duration delay) {
    Settings s = settings;
    return new WriteToHistoryStore(
        provider,
        new Settings(
            s.maxBatchSize(),
            delay.toMillis(),
            s.shards(),
            s.maxBuffered(),
            s.firstBackoffMillis(),
            s.maxBackoffMillis()));
  }

  /** The most rows one shard holds while the history tier is down before it holds back input. */
  public WriteToHistoryStore withMaxBuffered(int rows) {
    Settings s = settings;
    return new WriteToHistoryStore(
        provider,
        new Settings(
            s.maxBatchSize(),
            s.maxBatchDelayMillis(),
            s.shards(),
            rows,
            s.firstBackoffMillis(),
            s.maxBackoffMillis()));
  }

  public WriteToHistoryStore withBackoff(Duration first, Duration max) {
    Settings s = settings;
    return new WriteToHistoryStore(
        provider,
        new Settings(
            s.maxBatchSize(),
            s.maxBatchDelayMillis(),
            s.shards(),
            s.maxBuffered(),
            first.toMillis(),
            max.toMillis()));
  }

  @Override
  public PDone expand(PCollection<WindowUpdate> updates) {
    updates
        .apply("ShardFinalWindows", ParDo.of(new ShardFn(settings.shards())))
        .setCoder(KvCoder.of(VarIntCoder.of(), WindowUpdateCoder.of()))
        .apply("BufferAndWrite", ParDo.of(new BufferAndWriteFn(provider, settings)));
    return PDone.in(updates.getPipeline());
  }

  /** Keeps final updates with their accumulator, keyed by a shard of their window. */
  static final class ShardFn extends DoFn<WindowUpdate, KV<Integer, WindowUpdate>> {
    private final int shards;
    private final Counter notFinal =
        Metrics.counter(WriteToHistoryStore.class, "non_final_ignored");

    ShardFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(
        @Element WindowUpdate update, OutputReceiver<KV<Integer, WindowUpdate>> out) {
      if (!update.isFinal() || update.accumulator() == null) {
        notFinal.inc();
        return;
      }
      WindowKey key = update.key();
      out.output(KV.of(Math.floorMod(key.hashCode(), shards), update));
    }
  }

  /** One shard's buffer in keyed state, written in batches, retried with backoff. */
  static final class BufferAndWriteFn extends DoFn<KV<Integer, WindowUpdate>, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteToHistoryStore.class);

    private final HistoryStoreProvider provider;
    private final Settings settings;
    private final Counter written = Metrics.counter(WriteToHistoryStore.class, "windows_written");
    private final Counter batches = Metrics.counter(WriteToHistoryStore.class, "batches_written");
    private final Counter failures = Metrics.counter(WriteToHistoryStore.class, "write_failures");
    private transient HistoryStore store;

    /** Whether this instance has made sure the tables exist (they may not when it starts). */
    private transient boolean schemaReady;

    @StateId("buffer")
    private final StateSpec<BagState<WindowUpdate>> bufferSpec =
        StateSpecs.bag(WindowUpdateCoder.of());

    @StateId("buffered")
    private final StateSpec<ValueState<Integer>> bufferedSpec = StateSpecs.value(VarIntCoder.of());

    /** Consecutive failed writes of this shard: the backoff grows with them. */
    @StateId("failures")
    private final StateSpec<ValueState<Integer>> failuresSpec = StateSpecs.value(VarIntCoder.of());

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    BufferAndWriteFn(HistoryStoreProvider provider, Settings settings) {
      this.provider = provider;
      this.settings = settings;
    }

    @Setup
    public void open() {
      store = provider.open();
    }

    @Teardown
    public void close() {
      if (store != null) {
        store.close();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, WindowUpdate> element,
        @StateId("buffer") BagState<WindowUpdate> buffer,
        @StateId("buffered") ValueState<Integer> buffered,
        @StateId("failures") ValueState<Integer> failed,
        @TimerId("flush") Timer flush) {
      buffer.add(element.getValue());
      int count = orZero(buffered.read()) + 1;
      buffered.write(count);
      if (count == 1) {
        flush.offset(org.joda.time.Duration.millis(settings.maxBatchDelayMillis())).setRelative();
      }
      if (count >= settings.maxBuffered()) {
        // The tier has been down long enough to fill the buffer: hold back the input until it
        // answers, rather than hold more.
        writeUntilWritten(buffer, buffered, failed);
      } else if (count >= settings.maxBatchSize() && orZero(failed.read()) == 0) {
        if (!tryWrite(buffer, buffered, failed)) {
          flush
              .offset(org.joda.time.Duration.millis(settings.backoffMillis(orZero(failed.read()))))
              .setRelative();
        }
      }
    }

    @OnTimer("flush")
    public void onFlush(
        @StateId("buffer") BagState<WindowUpdate> buffer,
        @StateId("buffered") ValueState<Integer> buffered,
        @StateId("failures") ValueState<Integer> failed,
        @TimerId("flush") Timer flush) {
      if (!tryWrite(buffer, buffered, failed)) {
        flush
            .offset(org.joda.time.Duration.millis(settings.backoffMillis(orZero(failed.read()))))
            .setRelative();
      }
    }

    /** The input has ended (or the window is done): nothing may stay behind. */
    @OnWindowExpiration
    public void onExpiration(
        @StateId("buffer") BagState<WindowUpdate> buffer,
        @StateId("buffered") ValueState<Integer> buffered,
        @StateId("failures") ValueState<Integer> failed) {
      writeUntilWritten(buffer, buffered, failed);
    }

    private void writeUntilWritten(
        BagState<WindowUpdate> buffer, ValueState<Integer> buffered, ValueState<Integer> failed) {
      while (!tryWrite(buffer, buffered, failed)) {
        try {
          Thread.sleep(settings.backoffMillis(orZero(failed.read())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the history tier", e);
        }
      }
    }

    /**
     * Writes the whole buffer, a batch at a time; true when all of it is written and the buffer
     * cleared. A failure keeps the buffer whole: batches written before it are written again with
     * it later, which changes nothing.
     */
    private boolean tryWrite(
        BagState<WindowUpdate> buffer, ValueState<Integer> buffered, ValueState<Integer> failed) {
      List<WindowUpdate> rows = new ArrayList<>();
      buffer.read().forEach(rows::add);
      if (rows.isEmpty()) {
        return true;
      }
      try {
        if (!schemaReady) {
          store.createSchema();
          schemaReady = true;
        }
        for (int from = 0; from < rows.size(); from += settings.maxBatchSize()) {
          List<WindowUpdate> batch =
              rows.subList(from, Math.min(rows.size(), from + settings.maxBatchSize()));
          store.write(batch);
          written.inc(batch.size());
          batches.inc();
        }
      } catch (HistoryStoreException e) {
        int failures = orZero(failed.read()) + 1;
        failed.write(failures);
        this.failures.inc();
        if (failures == 1 || failures % 10 == 0) {
          LOG.warn(
              "history tier: {} windows kept to retry (failure {} in a row): {}",
              rows.size(),
              failures,
              e.getMessage());
        }
        return false;
      }
      if (orZero(failed.read()) > 0) {
        LOG.info("history tier: written again after {} failed attempts", failed.read());
      }
      buffer.clear();
      buffered.clear();
      failed.clear();
      return true;
    }

    private static int orZero(Integer value) {
      return value == null ? 0 : value;
    }
  }
}
