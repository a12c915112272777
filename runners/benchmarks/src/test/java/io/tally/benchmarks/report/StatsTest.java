package io.tally.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    assertThat(Stats.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Stats.median(new double[] {4.0, 1.0, 3.0, 2.0})).isEqualTo(2.5);
  }

  @Test
  void medianOfNothingIsNotANumber() {
    assertThat(Stats.median(List.of())).isNaN();
  }

  @Test
  void medianLeavesItsInputInOrder() {
    double[] values = {3.0, 1.0, 2.0};
    Stats.median(values);
    assertThat(values).containsExactly(3.0, 1.0, 2.0);
  }

  @Test
  void percentilesOfMicrosecondsAreReportedInMilliseconds() {
    Histogram micros = Stats.latencyMicros();
    for (int i = 1; i <= 100; i++) {
      micros.recordValue(i * 1_000L); // 1 ms .. 100 ms
    }
    // Three significant digits: within 0.1% of the exact percentile.
    assertThat(Stats.millis(micros, 50)).isCloseTo(50.0, org.assertj.core.data.Offset.offset(0.05));
    assertThat(Stats.millis(micros, 99)).isCloseTo(99.0, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void aLatencyOfAnHourIsRecorded() {
    Histogram micros = Stats.latencyMicros();
    micros.recordValue(3_600_000_000L);
    assertThat(Stats.millis(micros, 100))
        .isCloseTo(3_600_000.0, org.assertj.core.data.Offset.offset(3_600.0));
  }
}
