package io.tally.runners.streaming.metrics;

import java.util.Properties;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates a {@link JobCountersReporter} over Flink's Prometheus reporter, with the same settings
 * ({@code port}). Flink finds factories through the service loader, by their class name in {@code
 * metrics.reporter.<name>.factory.class}.
 */
public final class JobCountersReporterFactory implements MetricReporterFactory {
  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new JobCountersReporter(
        new PrometheusReporterFactory().createMetricReporter(properties));
  }
}
