package io.tally.serving.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windows of two definition versions with the same bounds, group and function hold disjoint events:
 * an answer shows them as one window, with every event of both.
 */
class VersionMergeTest {
  private static final long MINUTE = 60_000;
  private static final long T0 = 1_796_000_040_000L;

  private static MetricSpec spec(AggregateFunction fn) {
    return new MetricSpec("m", 2, fn, 10, MINUTE, MINUTE, 30_000, List.of("category"));
  }

  private static WindowUpdate window(
      AggregateFunction fn,
      long version,
      String group,
      long start,
      MetricValue value,
      long events,
      boolean isFinal,
      Accumulator accumulator) {
    return new WindowUpdate(
        "m",
        version,
        fn,
        List.of("category"),
        List.of(group),
        start,
        start + MINUTE,
        value,
        events,
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        version,
        accumulator);
  }

  private static WindowUpdate count(long version, String group, long start, long events) {
    return window(
        AggregateFunction.COUNT,
        version,
        group,
        start,
        new MetricValue.Scalar(events),
        events,
        false,
        null);
  }

  @Test
  void countsOfTwoVersionsOfOneWindowAddUpInOneWindow() {
    VersionMerge.Result result =
        VersionMerge.merge(
            List.of(count(1, "a", T0, 2), count(2, "a", T0, 1)), spec(AggregateFunction.COUNT));

    assertThat(result.windows()).hasSize(1);
    WindowUpdate merged = result.windows().get(0);
    assertThat(merged.value()).isEqualTo(new MetricValue.Scalar(3));
    assertThat(merged.events()).isEqualTo(3);
    assertThat(merged.version()).isEqualTo(2);
    assertThat(merged.isFinal()).isFalse();
    assertThat(result.versions().get(merged)).containsExactly(1L, 2L);
    assertThat(result.notes()).isEmpty();
  }

  @Test
  void windowsOfOtherBoundsOrGroupsStayApart() {
    List<WindowUpdate> windows =
        List.of(count(1, "a", T0, 2), count(2, "a", T0 + MINUTE, 1), count(2, "b", T0, 5));

    VersionMerge.Result result = VersionMerge.merge(windows, spec(AggregateFunction.COUNT));

    assertThat(result.windows()).containsExactlyElementsOf(windows);
    assertThat(result.versions()).isEmpty();
  }

  @Test
  void finalDistinctCountsMergeTheirSketches() {
    Accumulator first = Accumulator.create(AggregateFunction.DISTINCT);
    first.add(1, "alice");
    first.add(1, "bob");
    Accumulator second = Accumulator.create(AggregateFunction.DISTINCT);
    second.add(1, "bob");
    second.add(1, "carol");
    MetricSpec spec = spec(AggregateFunction.DISTINCT);

    VersionMerge.Result result =
        VersionMerge.merge(
            List.of(
                window(AggregateFunction.DISTINCT, 1, "a", T0, first.result(spec), 2, true, first),
                window(
                    AggregateFunction.DISTINCT, 2, "a", T0, second.result(spec), 2, true, second)),
            spec);

    assertThat(result.windows()).hasSize(1);
    // alice, bob and carol: bob is one user, whichever version saw him.
    assertThat(result.windows().get(0).value()).isEqualTo(new MetricValue.Scalar(3));
    assertThat(result.windows().get(0).events()).isEqualTo(4);
    assertThat(result.windows().get(0).isFinal()).isTrue();
  }

  @Test
  void openDistinctCountsWithoutSketchesStayApartAndTheAnswerSaysSo() {
    List<WindowUpdate> open =
        List.of(
            window(
                AggregateFunction.DISTINCT, 1, "a", T0, new MetricValue.Scalar(2), 2, false, null),
            window(
                AggregateFunction.DISTINCT, 2, "a", T0, new MetricValue.Scalar(2), 2, false, null));

    VersionMerge.Result result = VersionMerge.merge(open, spec(AggregateFunction.DISTINCT));

    assertThat(result.windows()).containsExactlyElementsOf(open);
    assertThat(result.notes()).singleElement().asString().contains("versions [1, 2]");
  }

  @Test
  void oneVersionCanBeAskedFor() {
    List<WindowUpdate> windows = List.of(count(1, "a", T0, 2), count(2, "a", T0, 1));

    assertThat(VersionMerge.ofVersion(windows, 1)).containsExactly(windows.get(0));
  }
}
