package io.tally.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {
  private static final long T = Instant.parse("2026-11-27T21:00:00Z").toEpochMilli();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-27T21:00:00Z",
        "2026-11-27t21:00:00z",
        "2026-11-27 21:00:00Z",
        "2026-11-27T22:00:00+01:00",
        "2026-11-27T16:00:00-05:00",
        "2026-11-27T21:00:00.000Z",
        "2026-11-27T21:00:00.000999999Z",
        "2026-11-27T21:00:00-00:00",
        // '+' decoded to a space by an unencoded query string
        "2026-11-27T22:00:00 01:00",
        " 2026-11-27T21:00:00Z ",
        "1795813200000",
      })
  void parsesTheSameInstant(String text) {
    assertThat(Timestamps.parseMillis(text)).isEqualTo(T);
  }

  @Test
  void keepsMillisecondsAndTruncatesFiner() {
    assertThat(Timestamps.parseMillis("2026-11-27T21:00:00.25Z")).isEqualTo(T + 250);
    assertThat(Timestamps.parseMillis("2026-11-27T21:00:00.123456Z")).isEqualTo(T + 123);
    assertThat(Timestamps.parseMillis("0")).isZero();
    assertThat(Timestamps.parseMillis("-1000")).isEqualTo(-1000);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "yesterday",
        "2026-11-27T21:00:00", // no offset
        "2026-11-27", // no time
        "2026-11-27T21:00Z", // no seconds
        "2026-02-30T21:00:00Z", // no such day
        "2026-11-27T25:00:00Z",
        "2026-11-27T21:00:00+19:00", // offset out of range
        "2026-11-27T21:00:00+0100", // RFC 3339 offsets have a colon
        "1.5e12",
        "12345678901234567", // beyond year 9999
        "-99999999999999", // before year 0000
      })
  void rejectsWithAUsefulMessage(String text) {
    assertThatThrownBy(() -> Timestamps.parseMillis(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("Exception");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Timestamps.parseMillis(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("required");
  }

  @Test
  void formatsAsUtcRfc3339() {
    assertThat(Timestamps.format(T)).isEqualTo("2026-11-27T21:00:00Z");
    assertThat(Timestamps.format(T + 250)).isEqualTo("2026-11-27T21:00:00.250Z");
    assertThat(Timestamps.parseMillis(Timestamps.format(T + 7))).isEqualTo(T + 7);
  }
}
