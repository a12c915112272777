package io.tally.serving.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a clock the test moves by hand. */
class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker clock = nanos::get;

  @Test
  void aBurstPassesThenTheRateAndEachClientHasItsOwnBucket() {
    RateLimiter limiter = new RateLimiter(2, 3, 100, clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a")).isZero();
    }
    // Empty: the next token comes after 1/2 s.
    assertThat(limiter.tryAcquire("a")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    // Another client is not affected.
    assertThat(limiter.tryAcquire("b")).isZero();

    advance(250);
    assertThat(limiter.tryAcquire("a")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    advance(250);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isPositive();
  }

  @Test
  void aQuietClientGetsItsBurstBackButNeverMore() {
    RateLimiter limiter = new RateLimiter(10, 2, 100, clock);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isPositive();

    advance(60_000);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isPositive();
  }

  @Test
  void refusedRequestsDoNotDrainTheBucketFurther() {
    RateLimiter limiter = new RateLimiter(1, 1, 100, clock);
    assertThat(limiter.tryAcquire("a")).isZero();
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.tryAcquire("a")).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }
    advance(1_000);
    assertThat(limiter.tryAcquire("a")).isZero();
  }

  @Test
  void settingsMustMakeSense() {
    assertThatThrownBy(() -> new RateLimiter(0, 1, 100, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(Double.NaN, 1, 100, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(1, 0, 100, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void advance(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
