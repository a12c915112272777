package io.tally.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class SeenIdentitiesTest {

  @Test
  void remembersEachIdentityInTheBucketOfItsFirstArrival() {
    SeenIdentities seen = new SeenIdentities();
    assertThat(seen.add(0, "a")).isTrue();
    assertThat(seen.add(10, "b")).isTrue();
    assertThat(seen.add(20, "a")).isFalse(); // already known: stays in bucket 0

    seen.forgetBefore(10);

    assertThat(seen.contains("a")).isFalse();
    assertThat(seen.contains("b")).isTrue();
    assertThat(seen.firstBucket()).isEqualTo(10);
    seen.forgetBefore(11);
    assertThat(seen.isEmpty()).isTrue();
    assertThat(seen.add(30, "a")).isTrue();
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

  @Test
  void readsTheTextFormThatEarlierVersionsCheckpointed() throws IOException {
    // The first form: bucket count, then per bucket its start, its size and the identities.
    ByteSink text = new ByteSink();
    text.writeInt(2);
    text.writeLong(0);
    text.writeInt(2);
    text.writeString("feed\u0000a");
    text.writeString("feed\u0000b");
    text.writeLong(60_000);
    text.writeInt(1);
    text.writeString("other\u0000a");

    SeenIdentities seen = SeenIdentitiesCoder.of().read(new ByteSource(text.toByteArray()));

    assertThat(seen.size()).isEqualTo(3);
    assertThat(seen.contains("feed\u0000b")).isTrue();
    assertThat(seen.contains("feed\u0000c")).isFalse();
    seen.forgetBefore(60_000);
    assertThat(seen.contains("feed\u0000a")).isFalse();
    assertThat(seen.contains("other\u0000a")).isTrue();
  }

  @Test
  void refusesAStateThatIsNotWhatItWrote() throws Exception {
    SeenIdentities seen = new SeenIdentities();
    seen.add(0, "feed\u0000a");
    byte[] bytes = CoderUtils.encodeToByteArray(SeenIdentitiesCoder.of(), seen);
    // The last byte belongs to the identity's tag and hash; truncating it leaves too few bytes.
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    truncated[0]--; // the frame's length, one byte for so small a state

    assertThatThrownBy(() -> CoderUtils.decodeFromByteArray(SeenIdentitiesCoder.of(), truncated))
        .isInstanceOf(CoderException.class);
  }

  /**
   * Against a plain map of identity → bucket of first arrival: the same answers for every add,
   * through growth, forgetting and a checkpoint, and never more than 32 bytes of table per identity
   * once past the smallest table.
   */
  @Test
  void answersAsAMapOfEveryIdentityWouldAndStaysCompact() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    SeenIdentities seen = new SeenIdentities();
    Map<String, Long> reference = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      // Repeats are common: ids drawn from a range half the number of steps.
      String identity = "feed-" + random.nextInt(3) + "\u0000" + random.nextInt(100_000);
      long bucket = 1_000L * (step / 20_000 + random.nextInt(3));
      boolean fresh = reference.putIfAbsent(identity, bucket) == null;
      assertThat(seen.add(bucket, identity))
          .as("add %s at step %d", identity, step)
          .isEqualTo(fresh);
      if (seen.size() > 8) {
        // 16 bytes a slot: at most 32 per identity.
        assertThat(seen.capacity()).isLessThanOrEqualTo(2 * seen.size());
      }
      if (step % 50_000 == 49_999) {
        long before = 1_000L * (step / 20_000 - 1);
        seen.forgetBefore(before);
        reference.values().removeIf(b -> b < before);
        seen = CoderUtils.clone(SeenIdentitiesCoder.of(), seen);
      }
    }
    assertThat(seen.size()).isEqualTo(reference.size());
    for (String identity : reference.keySet()) {
      assertThat(seen.contains(identity)).isTrue();
    }
    assertThat(seen.firstBucket())
        .isEqualTo(reference.values().stream().mapToLong(Long::longValue).min().orElseThrow());
  }
}
