package io.tally.transforms.coders;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.aggregate.MetricValue.RankedItem;
import io.tally.model.aggregate.TopKAccumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.Updates;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class WindowUpdateCoderTest {
  private static final WindowUpdateCoder CODER = WindowUpdateCoder.of();

  private static TopKAccumulator sketchTopK() {
    TopKAccumulator acc = new TopKAccumulator();
    for (int i = 0; i < 30_000; i++) {
      acc.add(1, "movie-" + i);
      acc.add(1, "movie-" + (i % 7));
    }
    assertThat(acc.isExact()).isFalse();
    return acc;
  }

  static List<WindowUpdate> updates() {
    List<WindowUpdate> updates = new ArrayList<>();
    for (Timing timing : Timing.values()) {
      for (boolean isFinal : new boolean[] {false, true}) {
        updates.add(
            new WindowUpdate(
                "views",
                3,
                AggregateFunction.COUNT,
                List.of("geo", "category"),
                List.of("US", "sports/nba"),
                1_795_809_600_000L,
                1_795_809_660_000L,
                new MetricValue.Scalar(42),
                42,
                timing,
                isFinal,
                7,
                isFinal ? Updates.counted(42) : null));
      }
    }
    updates.add(
        new WindowUpdate(
            "rate",
            1,
            AggregateFunction.RATE,
            List.of(),
            List.of(),
            -60_000,
            0,
            new MetricValue.Scalar(0.016666666666666666),
            1,
            Timing.EARLY,
            false,
            0,
            null));
    updates.add(
        new WindowUpdate(
            "sum",
            1,
            AggregateFunction.SUM,
            List.of("attrs.x"),
            List.of(""),
            0,
            500,
            new MetricValue.Scalar(-0.0),
            0,
            Timing.ON_TIME,
            false,
            0,
            null));
    TopKAccumulator exact = new TopKAccumulator();
    exact.add(1, "movie-42");
    exact.add(1, "movie-42");
    exact.add(1, "caf\u00e9");
    updates.add(
        new WindowUpdate(
            "top",
            2,
            AggregateFunction.TOPK,
            List.of("geo"),
            List.of("CA"),
            0,
            300_000,
            new MetricValue.Ranking(
                List.of(new RankedItem("movie-42", 2), new RankedItem("caf\u00e9", 1))),
            3,
            Timing.LATE,
            true,
            12,
            exact));
    updates.add(
        new WindowUpdate(
            "top",
            2,
            AggregateFunction.TOPK,
            List.of("geo"),
            List.of("CA"),
            0,
            300_000,
            new MetricValue.Ranking(List.of()),
            0,
            Timing.EARLY,
            false,
            0,
            null));
    TopKAccumulator sketch = sketchTopK();
    updates.add(
        new WindowUpdate(
            "top",
            2,
            AggregateFunction.TOPK,
            List.of("geo"),
            List.of("CA"),
            0,
            300_000,
            new MetricValue.Ranking(sketch.top(10)),
            sketch.events(),
            Timing.ON_TIME,
            true,
            1,
            sketch));
    Accumulator distinct = Accumulator.create(AggregateFunction.DISTINCT);
    for (int i = 0; i < 50_000; i++) {
      distinct.add(1, "user-" + i);
    }
    updates.add(
        new WindowUpdate(
            "users",
            1,
            AggregateFunction.DISTINCT,
            List.of(),
            List.of(),
            0,
            60_000,
            distinct.result(null),
            distinct.events(),
            Timing.LATE,
            true,
            3,
            distinct));
    return updates;
  }

  @Test
  void roundTrips() throws Exception {
    for (WindowUpdate update : updates()) {
      CoderProperties.coderDecodeEncodeEqual(CODER, update);
      WindowUpdate decoded = CoderUtils.clone(CODER, update);
      assertThat(decoded).isEqualTo(update);
      assertThat(decoded.accumulator()).isEqualTo(update.accumulator());
      assertThat(decoded.key()).isEqualTo(update.key());
    }
  }

  @Test
  void nestedContextAndSerializability() throws Exception {
    for (WindowUpdate update : updates()) {
      CoderProperties.coderDecodeEncodeInContext(
          CODER,
          org.apache.beam.sdk.coders.Coder.Context.NESTED,
          update,
          org.hamcrest.Matchers.equalTo(update));
    }
    CoderProperties.coderSerializable(CODER);
  }
}
