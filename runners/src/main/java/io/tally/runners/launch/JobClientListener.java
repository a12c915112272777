package io.tally.runners.launch;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;

/**
 * Hands the {@link JobClient} of a Flink job to whoever started it, so that an attached job (the
 * only kind the runner allows on a local cluster) can still be cancelled.
 *
 * <p>Flink creates this listener by class name from {@code execution.job-listeners} (see {@link
 * FlinkConfDir}), and calls it in the thread that submits the job: the thread in which {@code
 * pipeline.run()} blocks. {@link RunningPipeline} leaves a future in that thread first.
 */
public final class JobClientListener implements JobListener {
  private static final ThreadLocal<CompletableFuture<JobClient>> WAITING = new ThreadLocal<>();

  /** Whoever runs a pipeline in the current thread gets its job client through {@code future}. */
  static void expectInCurrentThread(CompletableFuture<JobClient> future) {
    WAITING.set(future);
  }

  @Override
  public void onJobSubmitted(JobClient client, Throwable error) {
    CompletableFuture<JobClient> future = WAITING.get();
    if (future == null) {
      return;
    }
    if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(client);
    }
  }

  @Override
  public void onJobExecuted(JobExecutionResult result, Throwable error) {}
}
