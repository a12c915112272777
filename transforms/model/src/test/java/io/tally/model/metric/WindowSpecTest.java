package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowSpecTest {
  private static final long MINUTE = 60_000;

  @Test
  void tumbling() {
    WindowSpec w = WindowSpec.tumbling(MINUTE);
    assertThat(w.slideMillis()).isEqualTo(MINUTE);
    assertThat(w.startsFor(0)).containsExactly(0);
    assertThat(w.startsFor(1)).containsExactly(0);
    assertThat(w.startsFor(MINUTE - 1)).containsExactly(0);
    assertThat(w.startsFor(MINUTE)).containsExactly(MINUTE);
    assertThat(w.startsFor(2 * MINUTE + 5_000)).containsExactly(2 * MINUTE);
  }

  @Test
  void tumblingIsAlignedToTheEpochInUtc() {
    // 2026-11-27T21:03:30+01:00 is 20:03:30Z; its 5m window is [20:00Z, 20:05Z).
    long ts =
        java.time.OffsetDateTime.parse("2026-11-27T21:03:30+01:00").toInstant().toEpochMilli();
    long expected = java.time.Instant.parse("2026-11-27T20:00:00Z").toEpochMilli();
    assertThat(WindowSpec.tumbling(5 * MINUTE).startsFor(ts)).containsExactly(expected);
    assertThat(WindowSpec.tumbling(86_400_000).startsFor(ts))
        .containsExactly(java.time.Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
  }

  @Test
  void hoppingWithSizeAMultipleOfSlide() {
    WindowSpec w = new WindowSpec(5 * MINUTE, MINUTE);
    long ts = 10 * MINUTE + 30_000;
    assertThat(w.startsFor(ts))
        .containsExactly(10 * MINUTE, 9 * MINUTE, 8 * MINUTE, 7 * MINUTE, 6 * MINUTE);
    // at a boundary: the window starting there, and four before; not the one ending there
    assertThat(w.startsFor(10 * MINUTE))
        .containsExactly(10 * MINUTE, 9 * MINUTE, 8 * MINUTE, 7 * MINUTE, 6 * MINUTE);
    assertThat(w.startsFor(10 * MINUTE - 1))
        .containsExactly(9 * MINUTE, 8 * MINUTE, 7 * MINUTE, 6 * MINUTE, 5 * MINUTE);
  }

  @Test
  void hoppingWithSizeNotAMultipleOfSlide() {
    WindowSpec w = new WindowSpec(5, 2);
    assertThat(w.startsFor(4)).containsExactly(4, 2, 0);
    assertThat(w.startsFor(5)).containsExactly(4, 2);
    assertThat(w.startsFor(3)).containsExactly(2, 0);
    assertThat(w.startsFor(0)).containsExactly(0, -2, -4);
    assertThat(w.startsFor(1)).containsExactly(0, -2);
  }

  @Test
  void negativeTimestamps() {
    WindowSpec tumbling = WindowSpec.tumbling(1_000);
    assertThat(tumbling.startsFor(-1)).containsExactly(-1_000);
    assertThat(tumbling.startsFor(-1_000)).containsExactly(-1_000);
    assertThat(tumbling.startsFor(-1_001)).containsExactly(-2_000);
    WindowSpec hopping = new WindowSpec(3_000, 1_000);
    assertThat(hopping.startsFor(-1)).containsExactly(-1_000, -2_000, -3_000);
    assertThat(hopping.startsFor(500)).containsExactly(0, -1_000, -2_000);
  }

  /** Every window start k * slide with start <= ts < start + size, latest first. */
  private static long[] bruteForce(long size, long slide, long ts) {
    List<Long> starts = new ArrayList<>();
    long first = Math.floorDiv(ts - size, slide) * slide - slide;
    for (long s = first; s <= ts + slide; s += slide) {
      if (s <= ts && ts < s + size) {
        starts.add(s);
      }
    }
    long[] result = new long[starts.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = starts.get(starts.size() - 1 - i);
    }
    return result;
  }

  @Test
  void startsForMatchesBruteForce() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      long slide = 1 + random.nextInt(1_000);
      long size =
          slide * (1 + random.nextInt(10))
              + (random.nextBoolean() ? random.nextInt((int) slide) : 0);
      if ((size + slide - 1) / slide > WindowSpec.MAX_WINDOWS_PER_EVENT) {
        continue;
      }
      long ts = random.nextLong() % 10_000_000_000L;
      WindowSpec w = new WindowSpec(size, slide);
      long[] starts = w.startsFor(ts);
      assertThat(starts)
          .as("size=%d slide=%d ts=%d", size, slide, ts)
          .containsExactly(bruteForce(size, slide, ts));
      for (long start : starts) {
        assertThat(w.contains(start, ts)).isTrue();
        assertThat(Math.floorMod(start, slide)).isZero();
      }
    }
  }

  @Test
  void maxWindowsPerEvent() {
    WindowSpec w = new WindowSpec(100, 1);
    assertThat(w.startsFor(1_000)).hasSize(100);
    assertThat(new WindowSpec(199, 2).startsFor(1_000)).hasSize(100);
    assertThatThrownBy(() -> new WindowSpec(101, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WindowSpec(201, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "0, 1", "1, 0", "-1, -1", "60000, -1", "1000, 2000"})
  void invalidSpecs(long size, long slide) {
    assertThatThrownBy(() -> new WindowSpec(size, slide))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containsIsStartInclusiveEndExclusive() {
    WindowSpec w = WindowSpec.tumbling(MINUTE);
    assertThat(w.contains(0, 0)).isTrue();
    assertThat(w.contains(0, MINUTE - 1)).isTrue();
    assertThat(w.contains(0, MINUTE)).isFalse();
    assertThat(w.contains(0, -1)).isFalse();
  }
}
