package io.tally.runners.launch;

import io.tally.runners.streaming.StreamingMain;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming pipeline running in the background of this process, which can be cancelled.
 *
 * <p>On a local Flink cluster {@code pipeline.run()} blocks until the job ends and returns no
 * handle before that, so it runs in a thread of its own and the Flink job client is caught by
 * {@link JobClientListener}: the pipeline's options must name that listener in their Flink
 * configuration, as {@link StreamingMain#options} does. Without it (or on another runner) {@link
 * #cancel} falls back to the {@link PipelineResult}, when {@code run} returned one.
 */
public final class RunningPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningPipeline.class);

  private final CompletableFuture<JobClient> client = new CompletableFuture<>();
  private final CompletableFuture<PipelineResult> result = new CompletableFuture<>();
  private final CompletableFuture<PipelineResult.State> finished = new CompletableFuture<>();
  private final Thread thread;

  private RunningPipeline(Pipeline pipeline) {
    thread =
        new Thread(
            () -> {
              JobClientListener.expectInCurrentThread(client);
              try {
                PipelineResult r = pipeline.run();
                result.complete(r);
                finished.complete(r.waitUntilFinish());
              } catch (Throwable e) {
                client.completeExceptionally(e);
                result.completeExceptionally(e);
                if (cancelled(e)) {
                  // An attached Flink job that is cancelled ends run() with an exception.
                  finished.complete(PipelineResult.State.CANCELLED);
                } else {
                  finished.completeExceptionally(e);
                }
              }
            },
            "tally-pipeline");
    thread.setDaemon(true);
  }

  private static boolean cancelled(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JobCancellationException) {
        return true;
      }
    }
    return false;
  }

  /** Starts {@code pipeline} in a background thread and returns at once. */
  public static RunningPipeline start(Pipeline pipeline) {
    RunningPipeline running = new RunningPipeline(pipeline);
    running.thread.start();
    return running;
  }

  /** The Flink job's id once it is submitted; fails if the pipeline failed before that. */
  public JobID awaitSubmitted(Duration timeout) throws Exception {
    return client.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getJobID();
  }

  /** The Flink job's status, or empty when it is not known (not yet submitted, other runner). */
  public Optional<JobStatus> flinkStatus() {
    JobClient c = client.getNow(null);
    if (c == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(c.getJobStatus().get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Whether the pipeline has ended (done, cancelled or failed). */
  public boolean isFinished() {
    return finished.isDone();
  }

  /** Waits for the end; the state, or the failure as an exception. */
  public PipelineResult.State awaitFinish() throws InterruptedException, ExecutionException {
    return finished.get();
  }

  /**
   * Cancels the job and waits up to {@code timeout} for it to end. Checkpoints retained on
   * cancellation stay where they are.
   */
  public void cancel(Duration timeout) {
    if (finished.isDone()) {
      return;
    }
    try {
      JobClient c = client.getNow(null);
      if (c != null) {
        c.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } else if (result.isDone() && !result.isCompletedExceptionally()) {
        result.get().cancel();
      } else {
        thread.interrupt(); // not submitted yet: stop the submission
      }
      finished.handle((s, e) -> s).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      LOG.warn("The pipeline did not end within {} of being cancelled", timeout);
    } catch (Exception e) {
      // A job that ends while being cancelled answers with an error; it has ended all the same.
      LOG.debug("Cancelling the pipeline", e);
    }
  }

  @Override
  public void close() {
    cancel(Duration.ofSeconds(60));
  }
}
