package io.tally.runners.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProcessResourcesTest {
  private static final Pattern LINE =
      Pattern.compile("resources: cpu_ms=(\\d+) allocated_mb=(\\d+) gc_count=(\\d+) gc_ms=(\\d+)");

  private static long field(String line, int group) {
    Matcher m = LINE.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    return Long.parseLong(m.group(group));
  }

  @Test
  void allocationInThisThreadShowsInTheNextLine() {
    String before = ProcessResources.line();
    byte[][] blocks = new byte[64][];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = new byte[1 << 20];
    }
    String after = ProcessResources.line();

    assertThat(blocks[63]).hasSize(1 << 20);
    assertThat(field(after, 2) - field(before, 2)).isGreaterThanOrEqualTo(64);
  }

  @Test
  void figuresAreCumulative() {
    String first = ProcessResources.line();
    String second = ProcessResources.line();
    for (int group = 1; group <= 4; group++) {
      assertThat(field(second, group)).isGreaterThanOrEqualTo(field(first, group));
    }
  }
}
