package io.tally.tiering.hot.aerospike;

import com.aerospike.client.AerospikeClient;
import com.aerospike.client.AerospikeException;
import com.aerospike.client.Key;
import com.aerospike.client.ResultCode;
import com.aerospike.client.async.EventLoops;
import com.aerospike.client.async.EventPolicy;
import com.aerospike.client.async.NioEventLoops;
import com.aerospike.client.listener.WriteListener;
import com.aerospike.client.policy.ClientPolicy;
import com.aerospike.client.policy.WritePolicy;
import io.tally.model.update.WindowUpdate;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes window updates to the Aerospike hot tier with the asynchronous client, at most {@code
 * maxInFlight} at a time: {@link #write} returns as soon as the request is sent, and waits only
 * while that many are unanswered (backpressure, never an unbounded queue). {@link #flush} waits for
 * every answer and throws the first failure, so that a pipeline bundle is done only when all its
 * writes are; a failed bundle is retried whole, which is safe because every write is the same
 * monotonic, idempotent filtered put as {@link AerospikeHotStore#apply} ({@code FILTERED_OUT}: the
 * stored window is already newer, which is success).
 *
 * <p>Not run against a server in this repository's build (no Aerospike server can run there): the
 * flow control and error handling are unit-tested through {@link Submitter}.
 */
public final class AerospikeAsyncWriter implements AutoCloseable {

  /** Sends one write and reports its outcome to {@code done}, exactly once, on any thread. */
  @FunctionalInterface
  interface Submitter {
    void submit(WindowUpdate update, Outcome done);
  }

  /** The outcome of one write. */
  interface Outcome {
    /**
     * @param stored false when the stored window already superseded the update
     */
    void written(boolean stored);

    void failed(AerospikeHotStoreException error);
  }

  private final Submitter submitter;
  private final int maxInFlight;
  private final Semaphore permits;
  private final AtomicReference<AerospikeHotStoreException> firstFailure = new AtomicReference<>();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong superseded = new AtomicLong();
  private final AutoCloseable resources;

  AerospikeAsyncWriter(Submitter submitter, int maxInFlight, AutoCloseable resources) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("at least one write must be allowed in flight");
    }
    this.submitter = Objects.requireNonNull(submitter, "submitter");
    this.maxInFlight = maxInFlight;
    this.permits = new Semaphore(maxInFlight);
    this.resources = resources;
  }

  /** Connects an asynchronous client of its own (one event loop), closed by {@link #close}. */
  public static AerospikeAsyncWriter connect(AerospikeConfig config, int maxInFlight) {
    EventPolicy eventPolicy = new EventPolicy();
    eventPolicy.maxCommandsInProcess = maxInFlight;
    EventLoops loops = new NioEventLoops(eventPolicy, 1);
    ClientPolicy clientPolicy = AerospikeHotStore.clientPolicy(config);
    clientPolicy.eventLoops = loops;
    AerospikeClient client;
    try {
      client = new AerospikeClient(clientPolicy, config.clientHosts());
    } catch (AerospikeException e) {
      loops.close();
      throw AerospikeHotStoreException.from("connect to " + config.hosts(), e);
    }
    WritePolicy base = AerospikeHotStore.baseWritePolicy(config);
    Submitter submitter =
        (update, done) -> {
          Key key = WindowRecords.key(config.namespace(), config.set(), update.key());
          client.put(
              loops.next(),
              new WriteListener() {
                @Override
                public void onSuccess(Key written) {
                  done.written(true);
                }

                @Override
                public void onFailure(AerospikeException e) {
                  report(e, done);
                }
              },
              AerospikeHotStore.writePolicy(base, update, config),
              key,
              WindowRecords.bins(update));
        };
    return new AerospikeAsyncWriter(
        submitter,
        maxInFlight,
        () -> {
          client.close();
          loops.close();
        });
  }

  /** FILTERED_OUT is the monotonic rule at work (the stored window is newer), not a failure. */
  static void report(AerospikeException e, Outcome done) {
    if (e.getResultCode() == ResultCode.FILTERED_OUT) {
      done.written(false);
    } else {
      done.failed(AerospikeHotStoreException.from("apply", e));
    }
  }

  /**
   * Sends one write; blocks while {@code maxInFlight} are unanswered.
   *
   * @throws AerospikeHotStoreException the first failure of an earlier write, if any
   */
  public void write(WindowUpdate update) throws InterruptedException {
    throwIfFailed();
    permits.acquire();
    try {
      submitter.submit(
          update,
          new Outcome() {
            @Override
            public void written(boolean wasStored) {
              (wasStored ? stored : superseded).incrementAndGet();
              permits.release();
            }

            @Override
            public void failed(AerospikeHotStoreException error) {
              firstFailure.compareAndSet(null, error);
              permits.release();
            }
          });
    } catch (RuntimeException e) {
      // Not sent (e.g. the client's own queue refused it): no answer will come.
      permits.release();
      throw e instanceof AerospikeException a ? AerospikeHotStoreException.from("apply", a) : e;
    }
  }

  /**
   * Waits until every write sent so far is answered.
   *
   * @throws AerospikeHotStoreException the first failure since the last flush (then cleared)
   */
  public void flush() throws InterruptedException {
    permits.acquire(maxInFlight);
    permits.release(maxInFlight);
    throwIfFailed();
  }

  private void throwIfFailed() {
    AerospikeHotStoreException failure = firstFailure.getAndSet(null);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Whether a {@link #write} or {@link #flush} is waiting for answers right now: the point where
   * flow control holds a caller, which a test can wait for instead of guessing how long to wait.
   */
  boolean hasWaitingCallers() {
    return permits.hasQueuedThreads();
  }

  /** Writes the server applied. */
  public long stored() {
    return stored.get();
  }

  /** Writes the server skipped because the stored window already superseded them. */
  public long superseded() {
    return superseded.get();
  }

  @Override
  public void close() throws Exception {
    if (resources != null) {
      resources.close();
    }
  }
}
