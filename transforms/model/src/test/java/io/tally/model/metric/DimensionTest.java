package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.event.Event;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DimensionTest {
  static final Event FULL =
      new Event(
          "id-1",
          "feed",
          "movie.view",
          "movies/action",
          5,
          "US-CA",
          "movie-42",
          "user-7",
          2,
          Map.of("team", "lakers", "empty", ""));
  static final Event BARE =
      new Event("id-2", "feed", "movie.view", "movies/action", 5, null, null, null, 1, Map.of());

  @ParameterizedTest
  @CsvSource({
    "category, movies/action",
    "type, movie.view",
    "source, feed",
    "geo, US-CA",
    "entity, movie-42",
    "attrs.team, lakers"
  })
  void valueOf(String dimension, String value) {
    assertThat(new Dimension(dimension).valueOf(FULL)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"geo", "entity", "attrs.team", "attrs.missing"})
  void missingValuesGroupUnderTheEmptyString(String dimension) {
    assertThat(new Dimension(dimension).valueOf(BARE)).isEmpty();
  }

  @Test
  void attrsKeysAreTakenLiterally() {
    assertThat(new Dimension("attrs.missing").valueOf(FULL)).isEmpty();
    assertThat(new Dimension("attrs.empty").valueOf(FULL)).isEmpty();
    Event dotted = new Event("i", "s", "t", "c", 0, null, null, null, 1, Map.of("a.b", "x"));
    assertThat(new Dimension("attrs.a.b").valueOf(dotted)).isEqualTo("x");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "attrs.",
        "attrs",
        "user",
        "id",
        "ts",
        "value",
        "Geo",
        "GEO",
        "colour",
        " geo",
        "attr.team"
      })
  void invalidDimensions(String name) {
    assertThat(Dimension.isValid(name)).isFalse();
    assertThatThrownBy(() -> new Dimension(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void groupOfFollowsTheDefinitionsOrder() throws Exception {
    MetricDefinition d =
        MetricDefinitionJsonTest.parse(
            "{\"name\":\"m\",\"groupBy\":[\"attrs.team\",\"geo\",\"category\"],"
                + "\"aggregate\":{\"fn\":\"count\"},\"window\":{\"size\":\"1m\"}}");
    assertThat(d.groupOf(FULL)).containsExactly("lakers", "US-CA", "movies/action");
    assertThat(d.groupOf(BARE)).containsExactly("", "", "movies/action");
    MetricDefinition ungrouped =
        MetricDefinitionJsonTest.parse(
            "{\"name\":\"m\",\"aggregate\":{\"fn\":\"count\"},\"window\":{\"size\":\"1m\"}}");
    assertThat(ungrouped.groupOf(FULL)).isEqualTo(List.of());
  }
}
