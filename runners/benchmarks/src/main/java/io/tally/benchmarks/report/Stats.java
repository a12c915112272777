package io.tally.benchmarks.report;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The statistics every benchmark reports: the median of its runs' figures, and latency
 * distributions in HdrHistogram, recorded in microseconds.
 */
public final class Stats {
  /** The longest latency a histogram records: an hour, in microseconds. */
  private static final long MAX_MICROS = 3_600_000_000L;

  private Stats() {}

  /** The median; NaN for no values. */
  public static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The median; NaN for no values. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** An empty histogram of latencies in microseconds, up to an hour, three significant digits. */
  public static Histogram latencyMicros() {
    return new Histogram(MAX_MICROS, 3);
  }

  /** A percentile of a histogram of {@link #latencyMicros}, in milliseconds. */
  public static double millis(Histogram latencyMicros, double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }
}
