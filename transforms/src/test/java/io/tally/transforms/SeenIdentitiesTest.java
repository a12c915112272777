package io.tally.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class SeenIdentitiesTest {

  @Test
  void remembersEachIdentityInTheBucketOfItsFirstArrival() {
    SeenIdentities seen = new SeenIdentities();
    seen.add(0, "a");
    seen.add(10, "b");
    seen.add(20, "a"); // already known: stays in bucket 0

    seen.forgetBefore(10);

    assertThat(seen.contains("a")).isFalse();
    assertThat(seen.contains("b")).isTrue();
    assertThat(seen.firstBucket()).isEqualTo(10);
    seen.forgetBefore(11);
    assertThat(seen.isEmpty()).isTrue();
  }

  @Test
  void survivesACheckpoint() throws Exception {
    SeenIdentities seen = new SeenIdentities();
    seen.add(0, "feed\u0000a");
    seen.add(5_000, "feed\u0000b");
    SeenIdentities restored = CoderUtils.clone(SeenIdentitiesCoder.of(), seen);

    assertThat(restored.contains("feed\u0000a")).isTrue();
    assertThat(restored.contains("feed\u0000b")).isTrue();
    assertThat(restored.firstBucket()).isZero();
    restored.forgetBefore(1);
    assertThat(restored.contains("feed\u0000a")).isFalse();
    assertThat(restored.contains("feed\u0000b")).isTrue();
  }
}
