package io.tally.serving.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final double ONE_PER_NANO = 1;

  @Test
  void aClockReadingThatComesInLateRefillsNothingTwice() {
    TokenBucket bucket = new TokenBucket(10, 0);
    assertThat(bucket.take(100, 10, ONE_PER_NANO, 10)).isZero();
    // Read at 50 by a caller that took the lock after the one at 100: no time went by for it.
    assertThat(bucket.take(50, 1, ONE_PER_NANO, 10)).isEqualTo(1);
    // The 100 ns until 100 were not counted again.
    assertThat(bucket.take(103, 4, ONE_PER_NANO, 10)).isEqualTo(1);
    assertThat(bucket.take(104, 4, ONE_PER_NANO, 10)).isZero();
  }
}
