package io.tally.serving.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node's ingest limit on a clock the test moves by hand. */
class IngestAdmissionTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker clock = nanos::get;

  @Test
  void aBurstOfEventsPassesThenTheRateWithTheTimeToWait() {
    IngestAdmission admission = IngestAdmission.limited(100, 50, clock);
    admission.admit(30);
    admission.admit(20);
    // Empty: 10 events need 100 ms, announced as a whole second.
    assertThatThrownBy(() -> admission.admit(10))
        .isInstanceOfSatisfying(
            IngestRateLimitedException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
    advance(100);
    admission.admit(10);
  }

  @Test
  void aRefusedRequestTakesNothing() {
    IngestAdmission admission = IngestAdmission.limited(10, 10, clock);
    admission.admit(10);
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> admission.admit(5)).isInstanceOf(IngestRateLimitedException.class);
    }
    advance(500);
    admission.admit(5);
  }

  @Test
  void aRequestLargerThanTheBurstWaitsForAFullBucketAndPaysItBack() {
    IngestAdmission admission = IngestAdmission.limited(10, 10, clock);
    admission.admit(5);
    // Needs a full bucket: 5 more tokens, half a second.
    assertThatThrownBy(() -> admission.admit(30)).isInstanceOf(IngestRateLimitedException.class);
    advance(500);
    admission.admit(30);
    // 20 in debt: the next event needs 2.1 s, so 30 events cost their 3 s, not the burst's 1 s.
    assertThatThrownBy(() -> admission.admit(1))
        .isInstanceOfSatisfying(
            IngestRateLimitedException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(3));
    advance(2_000);
    assertThatThrownBy(() -> admission.admit(1)).isInstanceOf(IngestRateLimitedException.class);
    advance(100);
    admission.admit(1);
  }

  @Test
  void overTimeTheRateHoldsWhateverTheRequestSizes() {
    IngestAdmission admission = IngestAdmission.limited(1_000, 100, clock);
    long admitted = 0;
    // 10 s of a client asking for 7 events every millisecond: seven times the rate.
    for (int ms = 0; ms < 10_000; ms++) {
      try {
        admission.admit(7);
        admitted += 7;
      } catch (IngestRateLimitedException refused) {
        // comes back later
      }
      advance(1);
    }
    assertThat(admitted).isBetween(10_000L - 7, 10_000L + 100);
  }

  @Test
  void unlimitedAdmitsEverythingAndSettingsMustMakeSense() {
    IngestAdmission.unlimited().admit(Integer.MAX_VALUE);
    assertThatThrownBy(() -> IngestAdmission.limited(0, 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IngestAdmission.limited(1, 0, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void advance(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
