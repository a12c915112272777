package io.tally.pipelines.sinks;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** A sink's counter after a run, summed over the steps that report it. */
public final class SinkCounters {
  private SinkCounters() {}

  public static long attempted(PipelineResult result, Class<?> sink, String name) {
    long sum = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder().addNameFilter(MetricNameFilter.named(sink, name)).build())
            .getCounters()) {
      sum += counter.getAttempted();
    }
    return sum;
  }
}
