package io.tally.model.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  @Test
  void sameTextAsInstantForWholeSecondsMillisAndCollidingSlots() {
    Random random = new Random(7);
    long[] samples = new long[20_000];
    for (int i = 0; i < samples.length; i++) {
      long base = 1_795_000_000_000L + random.nextInt(50) * 60_000L;
      // Minute bounds, odd milliseconds, instants before 1970, and values 1,024 s apart (one slot).
      samples[i] =
          switch (i % 4) {
            case 0 -> base;
            case 1 -> base + random.nextInt(1_000);
            case 2 -> -base + random.nextInt(5_000);
            default -> base + 1_024_000L * random.nextInt(4);
          };
    }
    for (int round = 0; round < 2; round++) {
      for (long millis : samples) {
        String text = Instant.ofEpochMilli(millis).toString();
        assertThat(IsoInstants.format(millis)).isEqualTo(text);
        assertThat(IsoInstants.parse(text)).isEqualTo(millis);
      }
    }
  }

  @Test
  void parsingRefusesWhatInstantRefuses() {
    assertThat(IsoInstants.parse("2026-11-27T21:00:00.5Z"))
        .isEqualTo(Instant.parse("2026-11-27T21:00:00.500Z").toEpochMilli());
    assertThatThrownBy(() -> IsoInstants.parse("yesterday"))
        .isInstanceOf(DateTimeParseException.class);
  }
}
