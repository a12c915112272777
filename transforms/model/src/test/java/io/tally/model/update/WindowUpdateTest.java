package io.tally.model.update;

import static io.tally.model.update.Updates.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowUpdateTest {

  @ParameterizedTest(name = "new events={0} final={1} vs old events={2} final={3} -> {4}")
  @CsvSource({
    "11, false, 10, false, true",
    "11, true, 10, false, true",
    "11, false, 10, true, true",
    "11, true, 10, true, true",
    "10, false, 10, false, false",
    "10, true, 10, false, true",
    "10, false, 10, true, false",
    "10, true, 10, true, false",
    "9, false, 10, false, false",
    "9, true, 10, false, false",
    "9, true, 10, true, false",
    "0, true, 0, false, true"
  })
  void supersedes(
      long newEvents, boolean newFinal, long oldEvents, boolean oldFinal, boolean expected) {
    assertThat(count(newEvents, newFinal).supersedes(count(oldEvents, oldFinal)))
        .isEqualTo(expected);
  }

  @Test
  void supersedesIsAStrictOrder() {
    List<WindowUpdate> updates = new ArrayList<>();
    for (long events = 0; events < 4; events++) {
      updates.add(count(events, false));
      updates.add(count(events, true));
    }
    for (WindowUpdate a : updates) {
      assertThat(a.supersedes(a)).isFalse(); // irreflexive: re-applying is a no-op
      for (WindowUpdate b : updates) {
        if (a.supersedes(b)) {
          assertThat(b.supersedes(a)).isFalse(); // asymmetric
        }
        for (WindowUpdate c : updates) {
          if (a.supersedes(b) && b.supersedes(c)) {
            assertThat(a.supersedes(c)).isTrue(); // transitive
          }
        }
      }
    }
  }

  @Test
  void keyIdentifiesMetricVersionGroupAndStart() {
    WindowUpdate u = count(3, false);
    assertThat(u.key()).isEqualTo(new WindowKey("views", 1, List.of("US"), 60_000));
    WindowUpdate otherVersion =
        new WindowUpdate(
            "views",
            2,
            AggregateFunction.COUNT,
            List.of("geo"),
            List.of("US"),
            60_000,
            120_000,
            new MetricValue.Scalar(3),
            3,
            Timing.EARLY,
            false,
            0,
            null);
    assertThat(otherVersion.key()).isNotEqualTo(u.key());
    // the value, events and timing are not part of the key
    assertThat(count(9, true).key()).isEqualTo(u.key());
  }

  @Test
  void groupMapFollowsGroupByOrder() {
    WindowUpdate u =
        new WindowUpdate(
            "m",
            1,
            AggregateFunction.SUM,
            List.of("type", "geo", "attrs.team"),
            List.of("movie.view", "", "lakers"),
            0,
            1_000,
            new MetricValue.Scalar(1.5),
            2,
            Timing.ON_TIME,
            false,
            1,
            null);
    assertThat(u.groupMap())
        .containsExactly(
            java.util.Map.entry("type", "movie.view"),
            java.util.Map.entry("geo", ""),
            java.util.Map.entry("attrs.team", "lakers"));
  }

  @Test
  void groupMustMatchGroupBy() {
    assertThatThrownBy(
            () ->
                new WindowUpdate(
                    "m",
                    1,
                    AggregateFunction.COUNT,
                    List.of("geo"),
                    List.of(),
                    0,
                    1,
                    new MetricValue.Scalar(0),
                    0,
                    Timing.EARLY,
                    false,
                    0,
                    null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listsAreCopied() {
    List<String> group = new ArrayList<>(List.of("US"));
    WindowUpdate u =
        new WindowUpdate(
            "m",
            1,
            AggregateFunction.COUNT,
            List.of("geo"),
            group,
            0,
            1,
            new MetricValue.Scalar(0),
            0,
            Timing.EARLY,
            false,
            0,
            null);
    group.set(0, "CA");
    assertThat(u.group()).containsExactly("US");
    assertThat(new WindowKey("m", 1, group, 0).group()).containsExactly("CA");
  }
}
