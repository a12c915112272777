package io.tally.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkTableTest {

  @Test
  void rowHoldsTheMedianAndEveryRunInTheGivenFormat() {
    String row =
        BenchmarkTable.row(
            "History",
            "write (rows/s)",
            List.of(3000.0, 1000.0, 2500.4),
            "%,.0f",
            "ratio to baseline 0.50");

    assertThat(row)
        .isEqualTo(
            "| History | write (rows/s) | 2,500 | 3,000, 1,000, 2,500 | ratio to baseline 0.50 |");
  }

  @Test
  void aPipeInsideACellIsEscapedSoTheRowKeepsFiveColumns() {
    String row = BenchmarkTable.row("a|b", "P50 (ms)", List.of(1.25), "%.1f", "x | y");

    assertThat(row).isEqualTo("| a\\|b | P50 (ms) | 1.3 | 1.3 | x \\| y |");
  }
}
