package io.tally.transforms.latency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.transforms.latency.StageLag.Point;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StageLagTest {
  @BeforeEach
  void startAnInterval() {
    StageLag.intervalLine();
  }

  @Test
  void aLineCarriesEachPointsLagsFromTheMomentsRecorded() {
    long before = System.currentTimeMillis();
    for (int i = 0; i < 99; i++) {
      StageLag.record(Point.DEDUPLICATED, before - 1_000);
    }
    StageLag.record(Point.DEDUPLICATED, before - 5_000);
    long elapsed = System.currentTimeMillis() - before;

    String line = StageLag.intervalLine();
    Histogram h = StageLag.parse(line).get(Point.DEDUPLICATED);

    assertThat(StageLag.isLine(line)).isTrue();
    assertThat(h.getTotalCount()).isEqualTo(100);
    // Two significant digits: a value reads back within 1% of what was recorded.
    assertThat(h.getValueAtPercentile(50)).isBetween(990L, (long) ((1_000 + elapsed) * 1.01));
    assertThat(h.getMaxValue()).isBetween(4_950L, (long) ((5_000 + elapsed) * 1.01));
    assertThat(line).contains("deduplicated 1").contains(" of 100");
  }

  @Test
  void eachLineHoldsOnlyItsOwnInterval() {
    StageLag.record(Point.READ, System.currentTimeMillis());
    StageLag.record(Point.READ, System.currentTimeMillis());
    Map<Point, Histogram> first = StageLag.parse(StageLag.intervalLine());
    StageLag.record(Point.READ, System.currentTimeMillis());
    Map<Point, Histogram> second = StageLag.parse(StageLag.intervalLine());

    assertThat(first.get(Point.READ).getTotalCount()).isEqualTo(2);
    assertThat(second.get(Point.READ).getTotalCount()).isEqualTo(1);
    assertThat(second).containsOnlyKeys(Point.values());
    assertThat(second.get(Point.EMITTED).getTotalCount()).isZero();
  }

  @Test
  void aMomentAheadOfThisClockIsNoLagAndAnAncientOneTheRangesEnd() {
    StageLag.record(Point.AGGREGATED, System.currentTimeMillis() + 60_000);
    StageLag.record(Point.AGGREGATED, 0);
    Histogram h = StageLag.parse(StageLag.intervalLine()).get(Point.AGGREGATED);

    assertThat(h.getMinValue()).isZero();
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.HOURS.toMillis(1));
  }

  @Test
  void otherLinesHoldNoHistograms() {
    assertThat(StageLag.parse("resources: cpu_ms=1 allocated_mb=2 gc_count=3 gc_ms=4")).isEmpty();
    assertThat(StageLag.isLine("resources: cpu_ms=1")).isFalse();
  }
}
