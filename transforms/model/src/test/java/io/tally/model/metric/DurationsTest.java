package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "0ms, 0",
    "0s, 0",
    "10s, 10000",
    "1m, 60000",
    "90m, 5400000",
    "1h, 3600000",
    "1d, 86400000",
    "7d, 604800000",
    "999999999999ms, 999999999999"
  })
  void parses(String text, long millis) {
    assertThat(Durations.parseMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "1",
        "m",
        "ms",
        "1.5s",
        "-1s",
        "+1s",
        "1 s",
        "1M",
        "1S",
        "1w",
        "1y",
        "1mss",
        "1h30m",
        "1000000000000s",
        "one minute",
        "PT1M",
        "1_000ms"
      })
  void rejects(String text) {
    assertThatThrownBy(() -> Durations.parseMillis(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }

  @Test
  void overflowIsAnError() {
    assertThatThrownBy(() -> Durations.parseMillis("999999999999d"))
        .isInstanceOf(RuntimeException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "1, 1ms",
    "500, 500ms",
    "1500, 1500ms",
    "1000, 1s",
    "90000, 90s",
    "60000, 1m",
    "5400000, 90m",
    "3600000, 1h",
    "7200000, 2h",
    "86400000, 1d",
    "604800000, 7d",
    "90000000, 25h"
  })
  void formatsShortestExactSpelling(long millis, String text) {
    assertThat(Durations.format(millis)).isEqualTo(text);
  }

  @Test
  void formatThenParseIsIdentity() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      long unit = new long[] {1, 1_000, 60_000, 3_600_000, 86_400_000}[random.nextInt(5)];
      long millis = unit * random.nextInt(100_000);
      assertThat(Durations.parseMillis(Durations.format(millis))).isEqualTo(millis);
    }
  }
}
