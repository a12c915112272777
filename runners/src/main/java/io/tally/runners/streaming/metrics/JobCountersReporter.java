package io.tally.runners.streaming.metrics;

import io.tally.transforms.metrics.JobCounter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * Flink's Prometheus reporter, plus the job's own counters ({@link JobCounter}) of this JVM, under
 * the names Flink gave them as Beam metrics of an operator ({@code
 * flink_taskmanager_job_task_operator_io_tally_transforms_DeduplicateEvents_duplicates}): the
 * dashboards and alerts are the same with Beam's metrics off. Each is the count of the whole
 * process, without an operator's labels.
 */
public final class JobCountersReporter implements MetricReporter {
  private final MetricReporter prometheus;
  private final Set<MetricName> reported = ConcurrentHashMap.newKeySet();
  private final BiConsumer<MetricName, LongAdder> watcher = this::report;

  JobCountersReporter(MetricReporter prometheus) {
    this.prometheus = prometheus;
  }

  @Override
  public void open(MetricConfig config) {
    prometheus.open(config);
    JobCounter.watch(watcher);
  }

  @Override
  public void close() {
    JobCounter.unwatch(watcher);
    prometheus.close();
  }

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    prometheus.notifyOfAddedMetric(metric, name, group);
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    prometheus.notifyOfRemovedMetric(metric, name, group);
  }

  private void report(MetricName name, LongAdder count) {
    // A counter that starts while the watch begins may be announced twice.
    if (reported.add(name)) {
      prometheus.notifyOfAddedMetric(
          new CountView(count),
          name.getNamespace() + OperatorScope.DELIMITER + name.getName(),
          OperatorScope.INSTANCE);
    }
  }

  /** A Flink counter that reads a job counter; only the job's steps add to it. */
  private record CountView(LongAdder count) implements org.apache.flink.metrics.Counter {
    @Override
    public void inc() {
      count.increment();
    }

    @Override
    public void inc(long n) {
      count.add(n);
    }

    @Override
    public void dec() {
      count.decrement();
    }

    @Override
    public void dec(long n) {
      count.add(-n);
    }

    @Override
    public long getCount() {
      return count.sum();
    }
  }
}
