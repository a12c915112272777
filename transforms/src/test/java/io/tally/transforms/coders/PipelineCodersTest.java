package io.tally.transforms.coders;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.deadletter.DeadLetter;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.transforms.MetricKey;
import io.tally.transforms.MetricKeyCoder;
import io.tally.transforms.Observation;
import io.tally.transforms.Observations;
import io.tally.transforms.ObservationsCoder;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** Round trips of the coders that carry values between the pipeline's stages. */
class PipelineCodersTest {

  @Test
  void deadLetters() throws Exception {
    for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
      for (DeadLetter letter :
          List.of(
              new DeadLetter(reason, "ts: required", "{\"id\":\"a\"}", 0),
              new DeadLetter(reason, null, null, -5),
              new DeadLetter(reason, "", "x".repeat(70_000) + "\u00e9", Long.MAX_VALUE))) {
        CoderProperties.coderDecodeEncodeEqual(DeadLetterCoder.of(), letter);
        assertThat(CoderUtils.clone(DeadLetterCoder.of(), letter)).isEqualTo(letter);
      }
    }
    CoderProperties.coderSerializable(DeadLetterCoder.of());
  }

  @Test
  void metricKeys() throws Exception {
    List<MetricKey> keys =
        List.of(
            new MetricKey("views", 1, List.of()),
            new MetricKey("top_movies_by_geo", 7, List.of("US")),
            new MetricKey("m", Long.MAX_VALUE, List.of("", "sports/nba", "\u00e9")));
    for (MetricKey key : keys) {
      CoderProperties.coderDecodeEncodeEqual(MetricKeyCoder.of(), key);
      CoderProperties.structuralValueDecodeEncodeEqual(MetricKeyCoder.of(), key);
    }
    // A grouping key's coder must be deterministic and consistent with equals.
    MetricKeyCoder.of().verifyDeterministic();
    assertThat(MetricKeyCoder.of().consistentWithEquals()).isTrue();
    CoderProperties.coderDeterministic(
        MetricKeyCoder.of(),
        new MetricKey("m", 2, new java.util.ArrayList<>(List.of("a", "b"))),
        new MetricKey("m", 2, List.of("a", "b")));
    CoderProperties.coderConsistentWithEquals(
        MetricKeyCoder.of(),
        new MetricKey("m", 2, List.of("a")),
        new MetricKey("m", 3, List.of("a")));
    CoderProperties.coderConsistentWithEquals(
        MetricKeyCoder.of(),
        new MetricKey("m", 2, List.of("a", "")),
        new MetricKey("m", 2, List.of("a")));
    assertThat(
            CoderUtils.encodeToByteArray(MetricKeyCoder.of(), new MetricKey("m", 1, List.of("ab"))))
        .isNotEqualTo(
            CoderUtils.encodeToByteArray(
                MetricKeyCoder.of(), new MetricKey("m", 1, List.of("a", "b"))));
  }

  @Test
  void observations() throws Exception {
    MetricSpec topk =
        new MetricSpec(
            "top", 3, AggregateFunction.TOPK, 10, 300_000, 60_000, 600_000, List.of("geo"));
    MetricSpec count =
        new MetricSpec("count", 1, AggregateFunction.COUNT, 0, 1_000, 1_000, 0, List.of());
    for (Observations batch :
        List.of(
            new Observations(
                topk,
                List.of(
                    new Observation(1_795_809_600_000L, 1.0, "movie-42", "feed", "evt-1"),
                    new Observation(1_795_809_600_001L, 3.5, "movie-7", "feed", "evt-2"))),
            new Observations(count, List.of(new Observation(0, -0.5, null, "s", "i"))),
            new Observations(count, List.of(new Observation(5, 2.0, "", "", ""))),
            new Observations(count, List.of()))) {
      CoderProperties.coderDecodeEncodeEqual(ObservationsCoder.of(), batch);
    }
    CoderProperties.coderSerializable(ObservationsCoder.of());
  }
}
