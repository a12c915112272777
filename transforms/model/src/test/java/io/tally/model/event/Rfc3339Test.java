package io.tally.model.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Rfc3339} must accept exactly what {@code java.time} accepts for the RFC 3339 pattern, with
 * the same value. The oracle here is a formatter built in this test from the same definition, not
 * the class's own.
 */
class Rfc3339Test {

  private static final DateTimeFormatter ORACLE =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-03T17:04:05Z",
        "2026-12-03t17:04:05z",
        "2026-12-03T17:04:05.1Z",
        "2026-12-03T17:04:05.12Z",
        "2026-12-03T17:04:05.123Z",
        "2026-12-03T17:04:05.123456789Z",
        "2026-12-03T17:04:05.999+01:00",
        "2026-12-03T00:30:00-05:30",
        "2026-12-03T00:30:00-00:00",
        "2024-02-29T23:59:59.999+17:59",
        "2000-02-29T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "1970-01-01T00:59:59+01:00",
        "9999-12-31T23:59:59.999999999Z",
        "0000-01-01T00:00:00Z",
        "2026-12-03T17:04:05+18:00",
        "2026-12-03T17:04:05-18:00",
        "+12026-12-03T17:04:05Z"
      })
  void readsWhatTheFormatterReadsWithTheSameValue(String text) {
    assertThat(Rfc3339.toEpochMillis(text)).isEqualTo(oracle(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2026-12-03",
        "2026-12-03T17:04Z",
        "2026-12-03T17:04:05",
        "2026-12-03 17:04:05Z",
        "2026-12-03T17:04:05.Z",
        "2026-12-03T17:04:05.1234567890Z",
        "2026-13-03T17:04:05Z",
        "2026-00-03T17:04:05Z",
        "2026-02-29T17:04:05Z",
        "1900-02-29T17:04:05Z",
        "2026-04-31T17:04:05Z",
        "2026-12-03T24:00:00Z",
        "2026-12-03T17:60:05Z",
        "2026-12-03T23:59:60Z",
        "2026-12-03T17:04:05+18:01",
        "2026-12-03T17:04:05+01",
        "2026-12-03T17:04:05+0100",
        "2026-12-03T17:04:05+01:60",
        "2026-12-03T17:04:05ZZ",
        "2026-12-03T17:04:05Z ",
        "12026-12-03T17:04:05Z",
        "2026-1a-03T17:04:05Z",
        "２０２６-12-03T17:04:05Z"
      })
  void refusesWhatTheFormatterRefuses(String text) {
    assertThatThrownBy(() -> oracle(text)).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Rfc3339.toEpochMillis(text))
        .isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void agreesWithTheFormatterOnRandomTimestampsAndTheirMutations() {
    SplittableRandom random = new SplittableRandom(20261203L);
    String alphabet = "0123456789-:T.Z+tz x";
    for (int i = 0; i < 200_000; i++) {
      String text = randomTimestamp(random);
      if (random.nextInt(3) == 0) {
        char[] chars = text.toCharArray();
        chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        text = new String(chars);
      }
      Long expected;
      try {
        expected = oracle(text);
      } catch (DateTimeParseException | ArithmeticException e) {
        expected = null;
      }
      Long actual;
      try {
        actual = Rfc3339.toEpochMillis(text);
      } catch (DateTimeParseException | ArithmeticException e) {
        actual = null;
      }
      assertThat(actual).as(text).isEqualTo(expected);
    }
  }

  private static String randomTimestamp(SplittableRandom random) {
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                random.nextInt(10_000),
                1 + random.nextInt(12),
                1 + random.nextInt(31),
                random.nextInt(25),
                random.nextInt(61),
                random.nextInt(61)));
    if (random.nextBoolean()) {
      text.append('.');
      int digits = 1 + random.nextInt(9);
      for (int d = 0; d < digits; d++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
    }
    if (random.nextInt(3) == 0) {
      text.append(random.nextBoolean() ? 'Z' : 'z');
    } else {
      text.append(random.nextBoolean() ? '+' : '-')
          .append(String.format("%02d:%02d", random.nextInt(20), random.nextInt(61)));
    }
    return text.toString();
  }

  private static long oracle(String text) {
    return OffsetDateTime.parse(text, ORACLE).toInstant().toEpochMilli();
  }
}
