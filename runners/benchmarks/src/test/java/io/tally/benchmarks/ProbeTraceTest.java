package io.tally.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a warm-up counts the job as keeping up: from the probes of the last seconds. */
class ProbeTraceTest {
  private static final long LOOKBACK = TimeUnit.SECONDS.toNanos(5);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final ProbeTrace trace = new ProbeTrace("probe/test");
  private final long now = System.nanoTime();

  @Test
  void noProbesYetIsNotKeepingUp() {
    assertThat(trace.keepingUp(LOOKBACK, 1_000)).isFalse();
  }

  @Test
  void keepsUpWhenAtLeastHalfOfTheRecentProbesArrivedInTime() {
    probe(4 * SECOND, 200);
    probe(3 * SECOND, 300);
    probe(2 * SECOND, 5_000);
    probe(2 * SECOND, -1);

    assertThat(trace.keepingUp(LOOKBACK, 1_000)).isTrue();
  }

  @Test
  void fallsBehindWhenMostRecentProbesAreLateOrMissing() {
    probe(4 * SECOND, 200);
    probe(3 * SECOND, 1_500);
    probe(2 * SECOND, -1);

    assertThat(trace.keepingUp(LOOKBACK, 1_000)).isFalse();
  }

  @Test
  void onlyProbesOfTheLookbackThatHadTimeToArriveCount() {
    probe(20 * SECOND, 100); // before the lookback
    probe(19 * SECOND, 100);
    probe(SECOND / 2, 100); // sent too recently to judge
    probe(3 * SECOND, 4_000);

    assertThat(trace.keepingUp(LOOKBACK, 1_000)).isFalse();
  }

  /**
   * A probe posted {@code ago} before now that reached the stream after {@code millis}, or never.
   */
  private void probe(long ago, long millis) {
    long posted = now - ago;
    ProbeTrace.Probe probe = new ProbeTrace.Probe(posted, System.currentTimeMillis(), false);
    if (millis >= 0) {
      probe.sseNanos = posted + TimeUnit.MILLISECONDS.toNanos(millis);
    }
    trace.add(probe);
  }
}
