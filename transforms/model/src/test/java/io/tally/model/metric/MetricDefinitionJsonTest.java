package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.model.metric.InvalidDefinitionException.Problem;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetricDefinitionJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String CONTRACT_EXAMPLE =
      """
      {
        "name": "top_movies_by_geo",
        "filter":  { "type": ["movie.view"], "category": "movies/*", "geo": ["US", "CA"] },
        "groupBy": ["geo"],
        "aggregate": { "fn": "topk", "field": "entity", "k": 10 },
        "window":  { "size": "5m", "slide": "1m" },
        "allowedLateness": "10m"
      }
      """;

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static MetricDefinition parse(String json) throws InvalidDefinitionException {
    return MetricDefinitionJson.parse(tree(json));
  }

  private static List<Problem> problems(String json) {
    InvalidDefinitionException e =
        catchThrowableOfType(InvalidDefinitionException.class, () -> parse(json));
    assertThat(e).as("expected %s to be invalid", json).isNotNull();
    return e.problems();
  }

  /** A valid definition with the given members replaced or added (a JSON object body). */
  private static String definition(String members) {
    String base = "\"name\":\"m\",\"aggregate\":{\"fn\":\"count\"},\"window\":{\"size\":\"1m\"}";
    // later duplicate keys win in Jackson's tree model, so overrides can just be appended
    return "{" + base + (members.isEmpty() ? "" : "," + members) + "}";
  }

  @Test
  void contractExampleParses() throws Exception {
    MetricDefinition d = parse(CONTRACT_EXAMPLE);
    assertThat(d.name()).isEqualTo("top_movies_by_geo");
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.filter())
        .isEqualTo(new EventFilter(Set.of("movie.view"), Set.of(), Set.of("US", "CA"), "movies/*"));
    assertThat(d.groupBy()).containsExactly(new Dimension("geo"));
    assertThat(d.aggregate()).isEqualTo(new AggregateSpec(AggregateFunction.TOPK, "entity", 10));
    assertThat(d.window()).isEqualTo(new WindowSpec(300_000, 60_000));
    assertThat(d.allowedLatenessMillis()).isEqualTo(600_000);

    MetricSpec spec = d.spec();
    assertThat(spec)
        .isEqualTo(
            new MetricSpec(
                "top_movies_by_geo",
                1,
                AggregateFunction.TOPK,
                10,
                300_000,
                60_000,
                600_000,
                List.of("geo")));
  }

  @Test
  void defaults() throws Exception {
    MetricDefinition d = parse(definition(""));
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.filter()).isEqualTo(EventFilter.ANY);
    assertThat(d.groupBy()).isEmpty();
    assertThat(d.aggregate()).isEqualTo(AggregateSpec.of(AggregateFunction.COUNT));
    assertThat(d.window()).isEqualTo(WindowSpec.tumbling(60_000)); // slide defaults to size
    assertThat(d.allowedLatenessMillis()).isZero();

    MetricDefinition topk = parse(definition("\"aggregate\":{\"fn\":\"topk\",\"field\":\"user\"}"));
    assertThat(topk.aggregate()).isEqualTo(new AggregateSpec(AggregateFunction.TOPK, "user", 10));
  }

  @Test
  void everyFunctionParses() throws Exception {
    assertThat(parse(definition("\"aggregate\":{\"fn\":\"sum\"}")).aggregate().fn())
        .isEqualTo(AggregateFunction.SUM);
    assertThat(parse(definition("\"aggregate\":{\"fn\":\"rate\"}")).aggregate().fn())
        .isEqualTo(AggregateFunction.RATE);
    assertThat(
            parse(definition("\"aggregate\":{\"fn\":\"distinct\",\"field\":\"user\"}")).aggregate())
        .isEqualTo(new AggregateSpec(AggregateFunction.DISTINCT, "user", 0));
    assertThat(
            parse(definition("\"aggregate\":{\"fn\":\"distinct\",\"field\":\"entity\"}"))
                .aggregate())
        .isEqualTo(new AggregateSpec(AggregateFunction.DISTINCT, "entity", 0));
    assertThat(
            parse(definition("\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":1}"))
                .aggregate()
                .k())
        .isEqualTo(1);
    assertThat(
            parse(definition("\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":1000}"))
                .aggregate()
                .k())
        .isEqualTo(1000);
  }

  @Test
  void validEdgeValues() throws Exception {
    assertThat(parse(definition("\"name\":\"" + "a".repeat(64) + "\"")).name()).hasSize(64);
    assertThat(parse(definition("\"name\":\"0_9\"")).name()).isEqualTo("0_9");
    assertThat(parse(definition("\"allowedLateness\":\"7d\"")).allowedLatenessMillis())
        .isEqualTo(7 * 86_400_000L);
    assertThat(parse(definition("\"allowedLateness\":\"168h\"")).allowedLatenessMillis())
        .isEqualTo(7 * 86_400_000L);
    assertThat(parse(definition("\"allowedLateness\":\"0s\"")).allowedLatenessMillis()).isZero();
    assertThat(parse(definition("\"groupBy\":[\"category\",\"type\",\"attrs.team\"]")).groupBy())
        .extracting(Dimension::name)
        .containsExactly("category", "type", "attrs.team");
    assertThat(parse(definition("\"window\":{\"size\":\"10s\",\"slide\":\"500ms\"}")).window())
        .isEqualTo(new WindowSpec(10_000, 500));
    assertThat(parse(definition("\"window\":{\"size\":\"1m\",\"slide\":\"1m\"}")).window())
        .isEqualTo(WindowSpec.tumbling(60_000));
    assertThat(
            parse(definition("\"filter\":{\"category\":\"sports/nba\",\"source\":[\"a\",\"b\"]}"))
                .filter())
        .isEqualTo(new EventFilter(Set.of(), Set.of("a", "b"), Set.of(), "sports/nba"));
    assertThat(parse(definition("\"version\":42")).version()).isEqualTo(42);
    assertThat(parse(definition("\"filter\":null,\"groupBy\":null")).filter())
        .isEqualTo(EventFilter.ANY);
  }

  static Stream<String> definitions() {
    return Stream.of(
        CONTRACT_EXAMPLE,
        definition(""),
        definition(
            "\"version\":9,\"aggregate\":{\"fn\":\"sum\"},\"groupBy\":[\"attrs.team\",\"source\"]"),
        definition(
            "\"aggregate\":{\"fn\":\"distinct\",\"field\":\"user\"},\"window\":{\"size\":\"10s\",\"slide\":\"500ms\"},\"allowedLateness\":\"90s\""),
        definition(
            "\"aggregate\":{\"fn\":\"rate\"},\"window\":{\"size\":\"1d\",\"slide\":\"1h\"},\"allowedLateness\":\"7d\""),
        definition(
            "\"filter\":{\"type\":[\"b\",\"a\"],\"source\":[\"s\"],\"geo\":[\"US-CA\"],\"category\":\"sports\"},"
                + "\"aggregate\":{\"fn\":\"topk\",\"field\":\"user\",\"k\":1000},\"window\":{\"size\":\"1500ms\"}"));
  }

  @ParameterizedTest
  @MethodSource("definitions")
  void toJsonThenParseRoundTrips(String json) throws Exception {
    MetricDefinition d = parse(json);
    JsonNode written = MetricDefinitionJson.toJson(d);
    MetricDefinition reread = MetricDefinitionJson.parse(written);
    assertThat(reread).isEqualTo(d);
    assertThat(reread.spec()).isEqualTo(d.spec());
    assertThat(MetricDefinitionJson.toJson(reread)).isEqualTo(written);
    // and through text, as the API serves it
    assertThat(MetricDefinitionJson.parse(tree(MAPPER.writeValueAsString(written)))).isEqualTo(d);
  }

  @Test
  void toJsonWritesContractShape() throws Exception {
    JsonNode json = MetricDefinitionJson.toJson(parse(CONTRACT_EXAMPLE));
    assertThat(json.get("name").asText()).isEqualTo("top_movies_by_geo");
    assertThat(json.at("/filter/category").asText()).isEqualTo("movies/*");
    assertThat(json.at("/aggregate/fn").asText()).isEqualTo("topk");
    assertThat(json.at("/aggregate/k").asInt()).isEqualTo(10);
    assertThat(json.at("/window/size").asText()).isEqualTo("5m");
    assertThat(json.at("/window/slide").asText()).isEqualTo("1m");
    assertThat(json.get("allowedLateness").asText()).isEqualTo("10m");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // name
        Arguments.of("\"name\":\"Top-Movies\"", "name"),
        Arguments.of(
            "\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":4294967306}", "aggregate.k"),
        Arguments.of("\"aggregate\":{\"fn\":\"cnt\",\"field\":\"user\"}", "aggregate.fn"),
        Arguments.of("\"name\":\"\"", "name"),
        Arguments.of("\"name\":\"" + "a".repeat(65) + "\"", "name"),
        Arguments.of("\"name\":\"top movies\"", "name"),
        Arguments.of("\"name\":5", "name"),
        Arguments.of("\"name\":null", "name"),
        // version
        Arguments.of("\"version\":0", "version"),
        Arguments.of("\"version\":\"2\"", "version"),
        Arguments.of("\"version\":1.5", "version"),
        // unknown member
        Arguments.of("\"colour\":\"red\"", "colour"),
        // filter
        Arguments.of("\"filter\":\"movies\"", "filter"),
        Arguments.of("\"filter\":{\"colour\":[\"red\"]}", "filter.colour"),
        Arguments.of("\"filter\":{\"user\":[\"u\"]}", "filter.user"),
        Arguments.of("\"filter\":{\"type\":\"movie.view\"}", "filter.type"),
        Arguments.of("\"filter\":{\"type\":[]}", "filter.type"),
        Arguments.of("\"filter\":{\"source\":[1]}", "filter.source"),
        Arguments.of("\"filter\":{\"source\":[\"\"]}", "filter.source"),
        Arguments.of("\"filter\":{\"geo\":\"US\"}", "filter.geo"),
        Arguments.of("\"filter\":{\"category\":\"/movies\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"movies/\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"movies//action\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"movies/**\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"movies*\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"*\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"/*\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"\"}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":[\"movies\"]}", "filter.category"),
        Arguments.of("\"filter\":{\"category\":\"" + "a".repeat(257) + "\"}", "filter.category"),
        // groupBy
        Arguments.of("\"groupBy\":[\"geo\",\"type\",\"source\",\"entity\"]", "groupBy"),
        Arguments.of("\"groupBy\":\"geo\"", "groupBy"),
        Arguments.of("\"groupBy\":[\"colour\"]", "groupBy[0]"),
        Arguments.of("\"groupBy\":[\"user\"]", "groupBy[0]"),
        Arguments.of("\"groupBy\":[\"geo\",\"attrs.\"]", "groupBy[1]"),
        Arguments.of("\"groupBy\":[\"geo\",5]", "groupBy[1]"),
        Arguments.of("\"groupBy\":[\"geo\",\"type\",\"geo\"]", "groupBy[2]"),
        Arguments.of("\"groupBy\":[\"attrs.team\",\"attrs.team\"]", "groupBy[1]"),
        // aggregate
        Arguments.of("\"aggregate\":null", "aggregate"),
        Arguments.of("\"aggregate\":\"count\"", "aggregate"),
        Arguments.of("\"aggregate\":{}", "aggregate.fn"),
        Arguments.of("\"aggregate\":{\"fn\":\"median\"}", "aggregate.fn"),
        Arguments.of("\"aggregate\":{\"fn\":\"COUNT\"}", "aggregate.fn"),
        Arguments.of("\"aggregate\":{\"fn\":\"distinct\"}", "aggregate.field"),
        Arguments.of("\"aggregate\":{\"fn\":\"topk\",\"k\":5}", "aggregate.field"),
        Arguments.of("\"aggregate\":{\"fn\":\"distinct\",\"field\":\"geo\"}", "aggregate.field"),
        Arguments.of("\"aggregate\":{\"fn\":\"topk\",\"field\":\"value\"}", "aggregate.field"),
        Arguments.of("\"aggregate\":{\"fn\":\"count\",\"field\":\"user\"}", "aggregate.field"),
        Arguments.of("\"aggregate\":{\"fn\":\"sum\",\"field\":\"entity\"}", "aggregate.field"),
        Arguments.of("\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":0}", "aggregate.k"),
        Arguments.of(
            "\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":-1}", "aggregate.k"),
        Arguments.of(
            "\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":1001}", "aggregate.k"),
        Arguments.of(
            "\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":2.5}", "aggregate.k"),
        Arguments.of(
            "\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":\"10\"}", "aggregate.k"),
        Arguments.of(
            "\"aggregate\":{\"fn\":\"topk\",\"field\":\"entity\",\"k\":2147483648}", "aggregate.k"),
        Arguments.of("\"aggregate\":{\"fn\":\"count\",\"k\":10}", "aggregate.k"),
        // window
        Arguments.of("\"window\":null", "window"),
        Arguments.of("\"window\":\"1m\"", "window"),
        Arguments.of("\"window\":{}", "window.size"),
        Arguments.of("\"window\":{\"size\":60000}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"5 minutes\"}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"5M\"}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"-1m\"}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"1.5m\"}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"1w\"}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"\"}", "window.size"),
        Arguments.of("\"window\":{\"size\":\"1m\",\"slide\":\"1x\"}", "window.slide"),
        Arguments.of("\"window\":{\"size\":\"1m\",\"slide\":null}", "window.slide"),
        Arguments.of("\"window\":{\"size\":\"1m\",\"slide\":30}", "window.slide"),
        // slide > size, zero size, too many windows per event: the window as a whole
        Arguments.of("\"window\":{\"size\":\"5m\",\"slide\":\"10m\"}", "window"),
        Arguments.of("\"window\":{\"size\":\"0s\"}", "window"),
        Arguments.of("\"window\":{\"size\":\"1h\",\"slide\":\"1s\"}", "window"),
        // allowedLateness
        Arguments.of("\"allowedLateness\":\"8d\"", "allowedLateness"),
        Arguments.of("\"allowedLateness\":\"169h\"", "allowedLateness"),
        Arguments.of("\"allowedLateness\":\"604800001ms\"", "allowedLateness"),
        Arguments.of("\"allowedLateness\":\"10 minutes\"", "allowedLateness"),
        Arguments.of("\"allowedLateness\":600000", "allowedLateness"),
        Arguments.of("\"allowedLateness\":\"999999999999d\"", "allowedLateness"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("invalid")
  void invalidFieldIsNamed(String members, String field) {
    List<Problem> problems = problems(definition(members));
    assertThat(problems).extracting(Problem::field).containsExactly(field);
    assertThat(problems.get(0).message()).isNotBlank();
  }

  @Test
  void missingRequiredMembers() {
    assertThat(problems("{}"))
        .extracting(Problem::field)
        .containsExactlyInAnyOrder("name", "aggregate", "window");
  }

  @Test
  void notAnObject() {
    assertThat(problems("[]")).extracting(Problem::field).containsExactly("$");
    assertThat(problems("\"metric\"")).extracting(Problem::field).containsExactly("$");
    assertThatThrownBy(() -> MetricDefinitionJson.parse(null))
        .isInstanceOf(InvalidDefinitionException.class);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String json =
        """
        {
          "name": "Bad Name",
          "colour": "red",
          "filter": { "type": "movie.view", "category": "movies/", "region": ["eu"] },
          "groupBy": ["geo", "geo", "colour", "type"],
          "aggregate": { "fn": "topk", "k": 0 },
          "window": { "size": "5 minutes", "slide": "1x" },
          "allowedLateness": "30d"
        }
        """;
    InvalidDefinitionException e =
        catchThrowableOfType(InvalidDefinitionException.class, () -> parse(json));
    assertThat(e.problems())
        .extracting(Problem::field)
        .containsExactlyInAnyOrder(
            "name",
            "colour",
            "filter.type",
            "filter.category",
            "filter.region",
            "groupBy",
            "groupBy[1]",
            "groupBy[2]",
            "aggregate.field",
            "aggregate.k",
            "window.size",
            "window.slide",
            "allowedLateness");
    // The message lists them all, each with its field.
    for (Problem p : e.problems()) {
      assertThat(e.getMessage()).contains(p.field() + ": " + p.message());
    }
  }
}
