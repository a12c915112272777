package io.tally.runners.launch;

import io.tally.transforms.latency.StageLag;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this process has used so far, logged at a fixed interval: CPU time, bytes allocated by its
 * live threads, and garbage collections with their total time. Cumulative figures, so that the cost
 * of any interval (per event, per second) is the difference of two lines; on a worker of a
 * streaming job the task threads live as long as the job, so their allocation is all counted.
 *
 * <pre>resources: cpu_ms=12345 allocated_mb=6789 gc_count=42 gc_ms=1234</pre>
 */
public final class ProcessResources {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessResources.class);

  private ProcessResources() {}

  /** The current figures, in the line's format. */
  public static String line() {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocated = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      allocated += Math.max(0, bytes); // -1 for a thread that ended meanwhile
    }
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return String.format(
        Locale.ROOT,
        "resources: cpu_ms=%d allocated_mb=%d gc_count=%d gc_ms=%d",
        TimeUnit.NANOSECONDS.toMillis(os.getProcessCpuTime()),
        allocated >> 20,
        gcCount,
        gcMillis);
  }

  /**
   * Logs {@link #line} every {@code seconds} on a daemon thread, and after it how far the job's
   * stages ran behind their events in that interval ({@link StageLag#intervalLine}).
   */
  public static ScheduledExecutorService logEvery(int seconds) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "tally-resources");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleAtFixedRate(
        () -> {
          LOG.info(line());
          LOG.info(StageLag.intervalLine());
        },
        seconds,
        seconds,
        TimeUnit.SECONDS);
    return timer;
  }
}
