package io.tally.pipelines.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tally.model.event.Event;
import io.tally.model.event.EventParser;
import io.tally.pipelines.synthetic.SyntheticSettings.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticEventsTest {

  private static final SyntheticSettings DEFAULTS = SyntheticSettings.defaults();

  @Test
  void sameSeedGivesSameEventsAndAnotherSeedOthers() {
    SyntheticEvents a = SyntheticEvents.of(DEFAULTS);
    SyntheticEvents b = SyntheticEvents.of(DEFAULTS);
    SyntheticEvents c = SyntheticEvents.of(DEFAULTS.withSeed(7));
    int same = 0;
    for (long i = 0; i < 20_000; i++) {
      assertThat(a.json(i)).isEqualTo(b.json(i));
      if (a.json(i).equals(c.json(i))) {
        same++;
      }
    }
    assertThat(same).isZero();
  }

  @Test
  void positionsCanBeProducedInAnyOrder() {
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS);
    List<String> forwards = new ArrayList<>();
    for (long i = 0; i < 5_000; i++) {
      forwards.add(events.json(i));
    }
    SyntheticEvents fresh = SyntheticEvents.of(DEFAULTS);
    for (long i = 4_999; i >= 0; i--) {
      assertThat(fresh.json(i)).isEqualTo(forwards.get((int) i));
    }
  }

  @Test
  void everyEventParsesAndMatchesItsDescription() throws Exception {
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS.withLateShare(0.01));
    Set<String> types = new HashSet<>();
    Set<String> domains = new HashSet<>();
    for (long i = 0; i < 50_000; i++) {
      Event event = EventParser.parse(events.json(i));
      SyntheticEvent expected = events.describe(i);
      assertThat(event.id()).isEqualTo(expected.id());
      assertThat(event.source()).isEqualTo(expected.source());
      assertThat(event.type()).isEqualTo(expected.type());
      assertThat(event.category()).isEqualTo(expected.category());
      assertThat(event.timestampMillis()).isEqualTo(expected.timestampMillis());
      assertThat(event.timestampMillis()).isEqualTo(events.timestampAt(i));
      assertThat(event.geo()).isEqualTo(expected.geo());
      assertThat(event.entity()).isEqualTo(expected.entity());
      assertThat(event.user()).isEqualTo(expected.user());
      assertThat(event.value()).isEqualTo((double) expected.value());
      assertThat(event.attrs()).hasSize(1);
      types.add(event.type());
      domains.add(CategoryNames.domainOf(event.category()));
    }
    assertThat(domains).containsExactlyInAnyOrder("movies", "sports", "tickets");
    assertThat(types)
        .contains("movie.view", "movie.release", "sports.score", "ticket.drop", "ticket.sale");
  }

  @Test
  void categoriesAreDistinctRealisticPathsOverAllDomains() throws Exception {
    List<String> names = SyntheticEvents.of(DEFAULTS).categories();
    assertThat(names).hasSize(1_000).doesNotHaveDuplicates();
    assertThat(names).contains("movies/action", "sports/nba", "tickets/concerts");
    assertThat(names.subList(0, 3))
        .containsExactly("movies/action", "sports/nba", "tickets/concerts");
    for (String name : names) {
      assertThat(name).matches("(movies|sports|tickets)(/[a-z0-9-]+)+");
    }
    List<String> many = SyntheticEvents.of(DEFAULTS.withCategories(5_000)).categories();
    assertThat(many).hasSize(5_000).doesNotHaveDuplicates();
    assertThat(many.subList(0, 1_000)).isEqualTo(names);
    // Names valid for the parser, even the numbered variants.
    EventParser.parse(
        "{\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"ts\":1,\"category\":\""
            + many.get(4_999)
            + "\"}");
  }

  @Test
  void duplicatesRepeatAnEarlierEventsExactJsonAtTheRequestedShare() throws Exception {
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS);
    int n = 200_000;
    Map<String, String> byIdentity = new HashMap<>();
    int duplicates = 0;
    for (long i = 0; i < n; i++) {
      String json = events.json(i);
      Event event = EventParser.parse(json);
      String previous = byIdentity.putIfAbsent(event.identity(), json);
      if (previous != null) {
        duplicates++;
        assertThat(json).isEqualTo(previous);
        assertThat(events.isDuplicate(i)).isTrue();
        assertThat(events.originalOf(i)).isLessThan(i);
      } else {
        assertThat(events.isDuplicate(i)).isFalse();
      }
    }
    assertThat(duplicates / (double) n).isCloseTo(0.05, within(0.003));
    assertThat(events.distinctCount(n)).isEqualTo(n - duplicates);
    assertThat(
            events.distinctCountsByCategory(n).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(n - duplicates);

    SyntheticEvents none = SyntheticEvents.of(DEFAULTS.withDuplicateShare(0));
    assertThat(none.distinctCount(10_000)).isEqualTo(10_000);
    SyntheticEvents many = SyntheticEvents.of(DEFAULTS.withDuplicateShare(0.5));
    assertThat(1 - many.distinctCount(n) / (double) n).isCloseTo(0.5, within(0.02));
  }

  @Test
  void groundTruthPerCategoryMatchesTheStream() throws Exception {
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS.withCategories(50).withHotKeySkew(1.0));
    int n = 30_000;
    Map<String, Long> counted = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (long i = 0; i < n; i++) {
      Event event = EventParser.parse(events.json(i));
      if (seen.add(event.identity())) {
        counted.merge(event.category(), 1L, Long::sum);
      }
    }
    assertThat(events.distinctCountsByCategory(n)).isEqualTo(counted);
  }

  @Test
  void eventTimeStaysWithinTheDisorderBoundUnlessLate() {
    long disorder = 5_000;
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS.withMaxDisorderMillis(disorder));
    long start = DEFAULTS.startMillis();
    long minDelay = Long.MAX_VALUE;
    long maxDelay = Long.MIN_VALUE;
    for (long i = 0; i < 100_000; i++) {
      long clock = events.clockAt(i);
      assertThat(clock).isEqualTo(start + i / 10); // 10,000 events per simulated second
      long delay = clock - events.timestampAt(i);
      minDelay = Math.min(minDelay, delay);
      maxDelay = Math.max(maxDelay, delay);
    }
    assertThat(minDelay).isBetween(0L, 5L);
    assertThat(maxDelay).isBetween(disorder - 50, disorder);

    SyntheticEvents ordered = SyntheticEvents.of(DEFAULTS.withMaxDisorderMillis(0));
    for (long i = 0; i < 10_000; i++) {
      assertThat(ordered.timestampAt(i)).isEqualTo(ordered.clockAt(i));
    }
  }

  @Test
  void lateEventsAreOlderThanTheBoundAtTheRequestedShare() {
    SyntheticSettings settings =
        DEFAULTS.withLateShare(0.02).withMaxLatenessMillis(120_000).withDuplicateShare(0);
    SyntheticEvents events = SyntheticEvents.of(settings);
    int n = 100_000;
    int late = 0;
    for (long i = 0; i < n; i++) {
      SyntheticEvent event = events.describe(i);
      long delay = event.clockMillis() - event.timestampMillis();
      if (event.late()) {
        late++;
        assertThat(delay).isGreaterThan(5_000).isLessThanOrEqualTo(5_000 + 120_000);
      } else {
        assertThat(delay).isBetween(0L, 5_000L);
      }
    }
    assertThat(late / (double) n).isCloseTo(0.02, within(0.003));
  }

  @Test
  void hotKeySkewConcentratesEventsOnFewCategories() {
    int n = 100_000;
    assertThat(topTenShare(DEFAULTS, n)).isLessThan(0.02);
    double skewed = topTenShare(DEFAULTS.withHotKeySkew(1.2), n);
    assertThat(skewed).isGreaterThan(0.4);
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS.withHotKeySkew(1.2));
    Map<String, Long> counts = events.distinctCountsByCategory(n);
    String hottest = events.categoriesByPopularity().get(0);
    assertThat(counts.get(hottest)).isEqualTo(counts.values().stream().max(Long::compare).get());
  }

  private static double topTenShare(SyntheticSettings settings, int n) {
    List<Long> counts =
        new ArrayList<>(SyntheticEvents.of(settings).distinctCountsByCategory(n).values());
    counts.sort((x, y) -> Long.compare(y, x));
    long top = counts.stream().limit(10).mapToLong(Long::longValue).sum();
    long all = counts.stream().mapToLong(Long::longValue).sum();
    return top / (double) all;
  }

  @Test
  void liveClockFollowsTheScheduleFromItsAnchor() {
    long anchor = 1_800_000_000_000L;
    SyntheticEvents events =
        SyntheticEvents.of(SyntheticSettings.live(2_000).withStartMillis(anchor));
    assertThat(events.clockAt(0)).isEqualTo(anchor);
    assertThat(events.clockAt(2_000)).isEqualTo(anchor + 1_000);

    long before = System.currentTimeMillis();
    SyntheticEvents unanchored = SyntheticEvents.of(SyntheticSettings.live(2_000));
    assertThat(unanchored.settings().startMillis()).isBetween(before, System.currentTimeMillis());
    assertThat(unanchored.settings().clock()).isEqualTo(Clock.LIVE);
  }

  @Test
  void rejectsImpossibleSettings() {
    assertThatThrownBy(() -> DEFAULTS.withDuplicateShare(0.95))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withCategories(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withGeos(List.of("usa")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withSimulatedRate(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendJsonAddsEachEventsJsonAfterWhatTheBuilderHolds() {
    // How fast events are generated is measured by the benchmarks (runners/benchmarks), not here:
    // a throughput threshold fails on a busy machine without anything being wrong.
    SyntheticEvents events = SyntheticEvents.of(DEFAULTS.withLateShare(0.01));
    StringBuilder out = new StringBuilder(320);
    for (long i = 0; i < 50_000; i++) {
      out.setLength(0);
      out.append("before:");
      events.appendJson(i, out);
      assertThat(out.toString()).isEqualTo("before:" + events.json(i));
    }
  }
}
