package io.tally.tiering.hot.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.ResultCode;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous writer's flow control and error handling, with a submitter that holds every
 * write until the test answers it (no server: see AerospikeHotStoreContractTest for that).
 */
class AerospikeAsyncWriterTest {
  private final ConcurrentLinkedQueue<AerospikeAsyncWriter.Outcome> pending =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final AerospikeAsyncWriter writer =
      new AerospikeAsyncWriter(
          (update, done) -> {
            sent.incrementAndGet();
            pending.add(done);
          },
          2,
          null);

  private static WindowUpdate update(long events) {
    return new WindowUpdate(
        "views",
        1,
        AggregateFunction.COUNT,
        List.of("geo"),
        List.of("US"),
        0,
        60_000,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  @Test
  void atMostMaxInFlightWritesAreUnansweredAtOnce() throws Exception {
    writer.write(update(1));
    writer.write(update(2));
    CountDownLatch thirdSent = new CountDownLatch(1);
    Thread third =
        new Thread(
            () -> {
              try {
                writer.write(update(3));
                thirdSent.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    third.start();

    // The third write is held at the flow control, and has not been sent.
    await().atMost(Duration.ofSeconds(60)).until(writer::hasWaitingCallers);
    assertThat(thirdSent.getCount()).as("blocked while two are in flight").isEqualTo(1);
    assertThat(sent.get()).isEqualTo(2);
    pending.poll().written(true);
    assertThat(thirdSent.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(sent.get()).isEqualTo(3);
    assertThat(writer.hasWaitingCallers()).isFalse();
    third.join(Duration.ofSeconds(60).toMillis());
  }

  @Test
  void flushWaitsForEveryAnswerAndCountsWhatWasSuperseded() throws Exception {
    writer.write(update(1));
    writer.write(update(2));
    CountDownLatch flushed = new CountDownLatch(1);
    Thread flusher =
        new Thread(
            () -> {
              try {
                writer.flush();
                flushed.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    flusher.start();
    await().atMost(Duration.ofSeconds(60)).until(writer::hasWaitingCallers);
    pending.poll().written(true);
    // One answer of two: the flush still waits at the flow control (it cannot have returned while
    // it waits there), and returns only with the second.
    assertThat(writer.hasWaitingCallers()).isTrue();
    assertThat(flushed.getCount()).isEqualTo(1);
    // FILTERED_OUT: the stored window was newer; the monotonic rule, not a failure.
    AerospikeAsyncWriter.report(new AerospikeException(ResultCode.FILTERED_OUT), pending.poll());
    assertThat(flushed.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.stored()).isEqualTo(1);
    assertThat(writer.superseded()).isEqualTo(1);
    flusher.join(Duration.ofSeconds(60).toMillis());
  }

  @Test
  void aFailedWriteFailsTheNextFlushOnceWithoutItsCredentials() throws Exception {
    writer.write(update(1));
    AerospikeAsyncWriter.report(new AerospikeException(ResultCode.TIMEOUT), pending.poll());

    assertThatThrownBy(writer::flush)
        .isInstanceOf(AerospikeHotStoreException.class)
        .satisfies(e -> assertThat(((AerospikeHotStoreException) e).retryable()).isTrue());
    writer.flush(); // reported once: the caller retries its batch
  }

  @Test
  void aFailureIsReportedByTheNextWriteToo() throws Exception {
    writer.write(update(1));
    AerospikeAsyncWriter.report(
        new AerospikeException(ResultCode.SERVER_NOT_AVAILABLE), pending.poll());

    assertThatThrownBy(() -> writer.write(update(2)))
        .isInstanceOf(AerospikeHotStoreException.class);
    assertThat(sent.get()).isEqualTo(1);
  }

  @Test
  void aWriteTheClientRefusesToSendReleasesItsPlace() throws Exception {
    AerospikeAsyncWriter refusing =
        new AerospikeAsyncWriter(
            (update, done) -> {
              throw new AerospikeException(ResultCode.NO_MORE_CONNECTIONS);
            },
            1,
            null);
    assertThatThrownBy(() -> refusing.write(update(1)))
        .isInstanceOf(AerospikeHotStoreException.class);
    refusing.flush(); // nothing in flight: returns at once
  }
}
