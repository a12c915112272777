package io.tally.tiering.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  @Test
  void letsOneThroughPerIntervalAndCountsTheRest() {
    AtomicLong now = new AtomicLong(1_000);
    LogThrottle throttle = new LogThrottle(10_000, now::get);

    assertThat(throttle.tryAcquire()).isZero();
    assertThat(throttle.tryAcquire()).isEqualTo(-1);
    now.addAndGet(9_999);
    assertThat(throttle.tryAcquire()).isEqualTo(-1);
    now.addAndGet(1);
    assertThat(throttle.tryAcquire()).isEqualTo(2);
    assertThat(throttle.tryAcquire()).isEqualTo(-1);
  }
}
