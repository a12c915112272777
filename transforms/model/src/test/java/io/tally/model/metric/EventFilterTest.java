package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.event.Event;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventFilterTest {

  static Event event(String type, String source, String category, String geo) {
    return new Event("id", source, type, category, 0, geo, null, null, 1.0, Map.of());
  }

  static Event inCategory(String category) {
    return event("movie.view", "feed", category, "US");
  }

  @Test
  void anyMatchesEverything() {
    assertThat(EventFilter.ANY.matches(inCategory("a"))).isTrue();
    assertThat(EventFilter.ANY.matches(event("t", "s", "x/y", null))).isTrue();
  }

  @ParameterizedTest(name = "movies/* vs {0} -> {1}")
  @CsvSource({
    "movies/action, true",
    "movies/action/x, true",
    "movies/a, true",
    "movies, false",
    "moviesx/a, false",
    "moviesx, false",
    "tv/movies/action, false",
    "Movies/action, false"
  })
  void categoryPrefix(String category, boolean matches) {
    EventFilter filter = new EventFilter(Set.of(), Set.of(), Set.of(), "movies/*");
    assertThat(filter.matches(inCategory(category))).isEqualTo(matches);
  }

  @ParameterizedTest(name = "sports/nba/* vs {0} -> {1}")
  @CsvSource({
    "sports/nba/finals, true",
    "sports/nba/finals/game7, true",
    "sports/nba, false",
    "sports/nbax/a, false",
    "sports/nfl/x, false"
  })
  void nestedCategoryPrefix(String category, boolean matches) {
    EventFilter filter = new EventFilter(Set.of(), Set.of(), Set.of(), "sports/nba/*");
    assertThat(filter.matches(inCategory(category))).isEqualTo(matches);
  }

  @ParameterizedTest(name = "movies/action vs {0} -> {1}")
  @CsvSource({
    "movies/action, true",
    "movies/action/x, false",
    "movies, false",
    "movies/actionx, false"
  })
  void exactCategory(String category, boolean matches) {
    EventFilter filter = new EventFilter(Set.of(), Set.of(), Set.of(), "movies/action");
    assertThat(filter.matches(inCategory(category))).isEqualTo(matches);
  }

  @Test
  void typeAndSourceMatchAnyOfTheirValues() {
    EventFilter types =
        new EventFilter(Set.of("movie.view", "movie.rate"), Set.of(), Set.of(), null);
    assertThat(types.matches(event("movie.view", "s", "c", null))).isTrue();
    assertThat(types.matches(event("movie.rate", "s", "c", null))).isTrue();
    assertThat(types.matches(event("movie.release", "s", "c", null))).isFalse();

    EventFilter sources = new EventFilter(Set.of(), Set.of("a", "b"), Set.of(), null);
    assertThat(sources.matches(event("t", "a", "c", null))).isTrue();
    assertThat(sources.matches(event("t", "b", "c", null))).isTrue();
    assertThat(sources.matches(event("t", "c", "c", null))).isFalse();
  }

  @Test
  void geoFilterExcludesEventsWithoutGeo() {
    EventFilter geos = new EventFilter(Set.of(), Set.of(), Set.of("US", "CA"), null);
    assertThat(geos.matches(event("t", "s", "c", "US"))).isTrue();
    assertThat(geos.matches(event("t", "s", "c", "CA"))).isTrue();
    assertThat(geos.matches(event("t", "s", "c", "GB"))).isFalse();
    assertThat(geos.matches(event("t", "s", "c", null))).isFalse();
  }

  @Test
  void everyGivenKeyMustMatch() {
    EventFilter filter =
        new EventFilter(Set.of("movie.view"), Set.of("feed"), Set.of("US"), "movies/*");
    assertThat(filter.matches(event("movie.view", "feed", "movies/a", "US"))).isTrue();
    assertThat(filter.matches(event("movie.rate", "feed", "movies/a", "US"))).isFalse();
    assertThat(filter.matches(event("movie.view", "other", "movies/a", "US"))).isFalse();
    assertThat(filter.matches(event("movie.view", "feed", "movies/a", "CA"))).isFalse();
    assertThat(filter.matches(event("movie.view", "feed", "tv/a", "US"))).isFalse();
  }

  @Test
  void parsedFilterBehavesTheSame() throws Exception {
    MetricDefinition d = MetricDefinitionJsonTest.parse(MetricDefinitionJsonTest.CONTRACT_EXAMPLE);
    assertThat(d.matches(event("movie.view", "any", "movies/action", "US"))).isTrue();
    assertThat(d.matches(event("movie.view", "any", "movies/action", null))).isFalse();
    assertThat(d.matches(event("movie.view", "any", "movies", "US"))).isFalse();
    assertThat(d.matches(event("movie.rate", "any", "movies/action", "CA"))).isFalse();
  }

  @Test
  void setsAreCopied() {
    java.util.Set<String> types = new java.util.HashSet<>(Set.of("a"));
    EventFilter filter = new EventFilter(types, Set.of(), Set.of(), null);
    types.add("b");
    assertThat(filter.matches(event("b", "s", "c", null))).isFalse();
  }
}
