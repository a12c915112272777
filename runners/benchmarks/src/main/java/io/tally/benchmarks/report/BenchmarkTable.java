package io.tally.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * Rows of the markdown table bin/benchmarks collects from every benchmark's {@code --table} output:
 * {@code | benchmark | figure | median | runs | note |}, the median and each run in the same number
 * format.
 */
public final class BenchmarkTable {
  private BenchmarkTable() {}

  /** One row; {@code format} formats one figure (e.g. {@code "%,.0f"}). */
  public static String row(
      String benchmark, String figure, List<Double> runs, String format, String note) {
    StringBuilder all = new StringBuilder();
    for (double v : runs) {
      all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, v));
    }
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s |",
        cell(benchmark),
        cell(figure),
        String.format(Locale.ROOT, format, Stats.median(runs)),
        all,
        cell(note));
  }

  /** Prints {@link #row} to standard output. */
  public static void print(
      String benchmark, String figure, List<Double> runs, String format, String note) {
    System.out.println(row(benchmark, figure, runs, format, note));
  }

  /** A pipe inside a cell would end it early. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
