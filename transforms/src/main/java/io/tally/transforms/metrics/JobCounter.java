package io.tally.transforms.metrics;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.metrics.MetricsEnvironment.MetricsEnvironmentState;

/**
 * A count of what the job's steps see (duplicates dropped, invalid events, rows written): kept in
 * this JVM for the streaming job's metrics reporter, and also as a Beam counter wherever Beam
 * collects metrics (the direct runner, backfills, a job on a Flink cluster).
 *
 * <p>Why not only Beam's counters: on the Flink runner, Beam's metrics cost the streaming job a
 * tenth of its throughput (the source's step's metrics are rebuilt and copied into Flink's after
 * every record), and they can only be turned off all at once ({@code --disableMetrics}). The
 * streaming job turns them off, and its reporter exports these counts under the names the Beam
 * counters had.
 */
public final class JobCounter implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final ConcurrentMap<MetricName, LongAdder> COUNTS = new ConcurrentHashMap<>();
  private static final List<BiConsumer<MetricName, LongAdder>> WATCHERS =
      new CopyOnWriteArrayList<>();

  private final MetricName name;
  private transient LongAdder count;

  private JobCounter(MetricName name) {
    this.name = name;
  }

  /** The counter {@code name} of the step {@code namespace}. */
  public static JobCounter of(Class<?> namespace, String name) {
    return of(namespace.getName(), name);
  }

  public static JobCounter of(String namespace, String name) {
    return new JobCounter(MetricName.named(namespace, name));
  }

  public MetricName name() {
    return name;
  }

  public void inc() {
    inc(1);
  }

  public void inc(long n) {
    LongAdder adder = count;
    if (adder == null) {
      adder = count = register(name);
    }
    adder.add(n);
    // Beam's own counter, when this thread runs a step whose metrics Beam collects. Asked this
    // way because MetricsEnvironment.getCurrentContainer() logs an error the first time it finds
    // none, which is the normal case with --disableMetrics.
    MetricsEnvironmentState state = MetricsEnvironment.getMetricsEnvironmentStateForCurrentThread();
    MetricsContainer container = state.activate(null);
    if (container != null) {
      state.activate(container);
      container.getCounter(name).inc(n);
    }
  }

  /** The count of this JVM so far: every instance of the step, every job it ran. */
  public long count() {
    LongAdder adder = COUNTS.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /**
   * Calls {@code watcher} with each counter counted in this JVM so far, and with each one that is
   * counted for the first time from now on, until {@link #unwatch}. A counter that starts while the
   * watch begins may be announced twice.
   */
  public static void watch(BiConsumer<MetricName, LongAdder> watcher) {
    WATCHERS.add(watcher);
    COUNTS.forEach(watcher);
  }

  public static void unwatch(BiConsumer<MetricName, LongAdder> watcher) {
    WATCHERS.remove(watcher);
  }

  private static LongAdder register(MetricName name) {
    LongAdder existing = COUNTS.get(name);
    if (existing != null) {
      return existing;
    }
    LongAdder created = new LongAdder();
    existing = COUNTS.putIfAbsent(name, created);
    if (existing != null) {
      return existing;
    }
    for (BiConsumer<MetricName, LongAdder> watcher : WATCHERS) {
      watcher.accept(name, created);
    }
    return created;
  }
}
