package io.tally.runners.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void theBarFillsInProportion() {
    assertThat(Progress.bar(200, 0)).isEqualTo("[" + "-".repeat(30) + "]");
    assertThat(Progress.bar(200, 100)).isEqualTo("[" + "#".repeat(15) + "-".repeat(15) + "]");
    assertThat(Progress.bar(200, 250)).isEqualTo("[" + "#".repeat(30) + "]");
  }

  @Test
  void aLineSaysHowFarHowFastAndHowLongIsLeft() {
    assertThat(Progress.line("events", 1_000_000, 250_000, 5))
        .isEqualTo(" 25% 250,000/1,000,000 events, 50,000 events/s, about 15 s left");
    assertThat(Progress.line("events", 0, 0, 0)).isEqualTo("0/0 events, 0 events/s");
    assertThat(Progress.line("events", 1_000, 1_000, 12.3))
        .isEqualTo("100% all 1,000 events read, finishing (12 s)");
  }

  @Test
  void linesEndWithAFinalOne() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    Progress.start("events", 10, () -> 10, out, Progress.Style.lines).close();

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("progress: 100% all 10 events read, finishing (0 s)" + System.lineSeparator());
  }

  @Test
  void noneShowsNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Progress.start("events", 10, () -> 5, new PrintStream(bytes), Progress.Style.none).close();

    assertThat(bytes.size()).isZero();
  }
}
