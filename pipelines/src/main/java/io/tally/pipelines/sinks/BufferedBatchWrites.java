package io.tally.pipelines.sinks;

import io.tally.tiering.history.HistoryStoreException;
import io.tally.transforms.BatchWithinBundle;
import io.tally.transforms.metrics.JobCounter;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to a tier that takes them in batches (the history store, the event archive) off the
 * path that events take to the change feed, without holding up the pipeline while the tier is down.
 *
 * <p>The input is keyed by shard: keying moves the writes into operators of their own, so a slow or
 * stalled request delays only them, never the aggregation that runs beside them. Rows cross to them
 * gathered per shard and bundle ({@link BatchWithinBundle}): one record per shard and bundle rather
 * than one per row, which is most of what the hop costs. Each shard buffers its rows in keyed
 * state, which the runner checkpoints, and writes them once it holds {@link
 * Settings#maxBatchSize()} rows or its oldest row has waited {@link
 * Settings#maxBatchDelayMillis()}, whichever comes first.
 *
 * <p><b>When the tier is down</b> a write fails ({@link HistoryStoreException}), the rows stay in
 * the buffer, and the shard tries again after a backoff that doubles up to a maximum. The buffer is
 * bounded: a shard that holds {@link Settings#maxBuffered()} rows stops taking more and retries in
 * place until the tier answers, which holds back the pipeline (and leaves events in the durable log
 * upstream) rather than growing without bound. Nothing is dropped: rows are in checkpointed state
 * until a write has succeeded, and when the input ends the rest is written before the pipeline
 * finishes. A batch may be written twice (a retry after a timeout whose request did land, a restore
 * from a checkpoint): both tiers that use this keep one row per key.
 */
final class BufferedBatchWrites<T> {

  /** A tier's writer, opened on the worker. */
  interface BatchWriter<T> extends AutoCloseable {
    /**
     * Before the first write: creates the tier's tables unless they exist. Called lazily, so that a
     * pipeline may start while the tier is down.
     */
    void prepare();

    /**
     * Writes one batch in one request.
     *
     * @throws HistoryStoreException if the tier cannot be reached or refuses the batch
     */
    void write(List<T> batch);

    @Override
    void close();
  }

  /** Serialized with the pipeline, so that no connection is built into its graph. */
  @FunctionalInterface
  interface BatchWriterProvider<T> extends Serializable {
    BatchWriter<T> open();
  }

  /** How a sink batches, buffers and retries. */
  record Settings(
      int maxBatchSize,
      long maxBatchDelayMillis,
      int shards,
      int maxBuffered,
      long firstBackoffMillis,
      long maxBackoffMillis)
      implements Serializable {
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

    /** The shard of a row whose key hashes to {@code hash}. */
    int shardOf(int hash) {
      return Math.floorMod(hash, shards);
    }

    Settings withMaxBatchSize(int rows) {
      return new Settings(
          rows,
          maxBatchDelayMillis,
          shards,
          Math.max(rows, maxBuffered),
          firstBackoffMillis,
          maxBackoffMillis);
    }

    Settings withMaxBatchDelay(Duration delay) {
      return new Settings(
          maxBatchSize,
          delay.toMillis(),
          shards,
          maxBuffered,
          firstBackoffMillis,
          maxBackoffMillis);
    }

    Settings withShards(int count) {
      return new Settings(
          maxBatchSize,
          maxBatchDelayMillis,
          count,
          maxBuffered,
          firstBackoffMillis,
          maxBackoffMillis);
    }

    Settings withMaxBuffered(int rows) {
      return new Settings(
          maxBatchSize, maxBatchDelayMillis, shards, rows, firstBackoffMillis, maxBackoffMillis);
    }

    Settings withBackoff(Duration first, Duration max) {
      return new Settings(
          maxBatchSize, maxBatchDelayMillis, shards, maxBuffered, first.toMillis(), max.toMillis());
    }
  }

  private final String tier;
  private final String rowsName;
  private final BatchWriterProvider<T> provider;
  private final Settings settings;
  private final Class<?> metricsNamespace;
  private final String writtenCounter;

  /**
   * @param tier what the logs call the tier
   * @param rowsName what the logs call its rows
   * @param metricsNamespace the sink whose counters these are: {@code writtenCounter} (rows),
   *     {@code batches_written} and {@code write_failures}
   */
  BufferedBatchWrites(
      String tier,
      String rowsName,
      BatchWriterProvider<T> provider,
      Settings settings,
      Class<?> metricsNamespace,
      String writtenCounter) {
    this.tier = tier;
    this.rowsName = rowsName;
    this.provider = provider;
    this.settings = settings;
    this.metricsNamespace = metricsNamespace;
    this.writtenCounter = writtenCounter;
  }

  /**
   * Applies the steps to {@code rows} inside the calling sink, not as a transform of their own, so
   * that the stateful step keeps the name {@code <sink>/BufferAndWrite}: the Flink runner derives
   * an operator's id from its name, and a savepoint's buffered rows are restored by that id.
   */
  PDone applyTo(PCollection<KV<Integer, T>> rows) {
    @SuppressWarnings("unchecked")
    KvCoder<Integer, T> coder = (KvCoder<Integer, T>) rows.getCoder();
    rows.apply("BatchPerShard", BatchWithinBundle.create())
        .apply(
            "BufferAndWrite",
            ParDo.of(
                new BufferAndWriteFn<>(
                    tier,
                    rowsName,
                    provider,
                    settings,
                    StateSpecs.bag(coder.getValueCoder()),
                    JobCounter.of(metricsNamespace, writtenCounter),
                    JobCounter.of(metricsNamespace, "batches_written"),
                    JobCounter.of(metricsNamespace, "write_failures"))));
    return PDone.in(rows.getPipeline());
  }

  /** One shard's buffer in keyed state, written in batches, retried with backoff. */
  static final class BufferAndWriteFn<T> extends DoFn<KV<Integer, List<T>>, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedBatchWrites.class);

    private final String tier;
    private final String rowsName;
    private final BatchWriterProvider<T> provider;
    private final Settings settings;
    private final JobCounter written;
    private final JobCounter batches;
    private final JobCounter failures;
    private transient BatchWriter<T> writer;

    /** Whether this instance has prepared the tier (it may be down when the instance starts). */
    private transient boolean prepared;

    @StateId("buffer")
    private final StateSpec<BagState<T>> bufferSpec;

    @StateId("buffered")
    private final StateSpec<ValueState<Integer>> bufferedSpec = StateSpecs.value(VarIntCoder.of());

    /** Consecutive failed writes of this shard: the backoff grows with them. */
    @StateId("failures")
    private final StateSpec<ValueState<Integer>> failuresSpec = StateSpecs.value(VarIntCoder.of());

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    BufferAndWriteFn(
        String tier,
        String rowsName,
        BatchWriterProvider<T> provider,
        Settings settings,
        StateSpec<BagState<T>> bufferSpec,
        JobCounter written,
        JobCounter batches,
        JobCounter failures) {
      this.tier = tier;
      this.rowsName = rowsName;
      this.provider = provider;
      this.settings = settings;
      this.bufferSpec = bufferSpec;
      this.written = written;
      this.batches = batches;
      this.failures = failures;
    }

    @Setup
    public void open() {
      writer = provider.open();
    }

    @Teardown
    public void close() {
      if (writer != null) {
        writer.close();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, List<T>> element,
        @StateId("buffer") BagState<T> buffer,
        @StateId("buffered") ValueState<Integer> buffered,
        @StateId("failures") ValueState<Integer> failed,
        @TimerId("flush") Timer flush) {
      element.getValue().forEach(buffer::add);
      int before = orZero(buffered.read());
      int count = before + element.getValue().size();
      buffered.write(count);
      if (before == 0) {
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
        @StateId("buffer") BagState<T> buffer,
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
        @StateId("buffer") BagState<T> buffer,
        @StateId("buffered") ValueState<Integer> buffered,
        @StateId("failures") ValueState<Integer> failed) {
      writeUntilWritten(buffer, buffered, failed);
    }

    private void writeUntilWritten(
        BagState<T> buffer, ValueState<Integer> buffered, ValueState<Integer> failed) {
      while (!tryWrite(buffer, buffered, failed)) {
        try {
          Thread.sleep(settings.backoffMillis(orZero(failed.read())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the " + tier, e);
        }
      }
    }

    /**
     * Writes the whole buffer, a batch at a time; true when all of it is written and the buffer
     * cleared. A failure keeps the buffer whole: batches written before it are written again with
     * it later, which changes nothing.
     */
    private boolean tryWrite(
        BagState<T> buffer, ValueState<Integer> buffered, ValueState<Integer> failed) {
      List<T> rows = new ArrayList<>();
      buffer.read().forEach(rows::add);
      if (rows.isEmpty()) {
        return true;
      }
      try {
        if (!prepared) {
          writer.prepare();
          prepared = true;
        }
        for (int from = 0; from < rows.size(); from += settings.maxBatchSize()) {
          List<T> batch = rows.subList(from, Math.min(rows.size(), from + settings.maxBatchSize()));
          writer.write(batch);
          written.inc(batch.size());
          batches.inc();
        }
      } catch (HistoryStoreException e) {
        int failures = orZero(failed.read()) + 1;
        failed.write(failures);
        this.failures.inc();
        if (failures == 1 || failures % 10 == 0) {
          LOG.warn(
              "{}: {} {} kept to retry (failure {} in a row): {}",
              tier,
              rows.size(),
              rowsName,
              failures,
              e.getMessage());
        }
        return false;
      }
      if (orZero(failed.read()) > 0) {
        LOG.info("{}: written again after {} failed attempts", tier, failed.read());
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
