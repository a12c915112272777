package io.tally.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tally.model.metric.InvalidDefinitionException.Problem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricCatalogTest {

  private static MetricCatalog read(String document) throws InvalidDefinitionException {
    return MetricCatalog.read(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Problem> problems(String document) {
    InvalidDefinitionException e =
        catchThrowableOfType(InvalidDefinitionException.class, () -> read(document));
    assertThat(e).as("expected the document to be rejected").isNotNull();
    return e.problems();
  }

  @Test
  void readsYaml() throws Exception {
    MetricCatalog catalog =
        read(
            """
            metrics:
              - name: views
                filter: { type: [movie.view], category: "movies/*" }
                groupBy: [category, attrs.team]
                aggregate: { fn: count }
                window: { size: 1m }
                allowedLateness: 2m
              - name: top_movies
                aggregate: { fn: topk, field: entity, k: 3 }
                window: { size: 5m, slide: 1m }
            """);
    assertThat(catalog.size()).isEqualTo(2);
    assertThat(catalog.definitions())
        .extracting(MetricDefinition::name)
        .containsExactly("views", "top_movies");
    MetricDefinition views = catalog.get("views").orElseThrow();
    assertThat(views.filter().category()).isEqualTo("movies/*");
    assertThat(views.groupBy())
        .extracting(Dimension::name)
        .containsExactly("category", "attrs.team");
    assertThat(views.allowedLatenessMillis()).isEqualTo(120_000);
    assertThat(catalog.get("top_movies").orElseThrow().aggregate())
        .isEqualTo(new AggregateSpec(AggregateFunction.TOPK, "entity", 3));
    assertThat(catalog.get("nope")).isEmpty();
  }

  @Test
  void readsJsonToo() throws Exception {
    MetricCatalog catalog =
        read("{\"metrics\":[" + MetricDefinitionJsonTest.CONTRACT_EXAMPLE + "]}");
    assertThat(catalog.get("top_movies_by_geo").orElseThrow())
        .isEqualTo(MetricDefinitionJsonTest.parse(MetricDefinitionJsonTest.CONTRACT_EXAMPLE));
  }

  @Test
  void emptyListIsAnEmptyCatalog() throws Exception {
    assertThat(read("metrics: []").size()).isZero();
  }

  @Test
  void problemsInSeveralMetricsArePrefixedWithTheirIndex() {
    List<Problem> problems =
        problems(
            """
            metrics:
              - name: Bad-Name
                aggregate: { fn: count }
                window: { size: 1m }
              - name: fine
                aggregate: { fn: count }
                window: { size: 1m }
              - name: also_bad
                groupBy: [geo, geo]
                aggregate: { fn: distinct }
                window: { size: 1 minute }
            """);
    assertThat(problems)
        .extracting(Problem::field)
        .containsExactlyInAnyOrder(
            "metrics[0].name",
            "metrics[2].groupBy[1]",
            "metrics[2].aggregate.field",
            "metrics[2].window.size");
  }

  @Test
  void duplicateNamesAreRejected() {
    List<Problem> problems =
        problems(
            """
            metrics:
              - name: views
                aggregate: { fn: count }
                window: { size: 1m }
              - name: views
                aggregate: { fn: sum }
                window: { size: 5m }
            """);
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).field()).isEqualTo("metrics");
    assertThat(problems.get(0).message()).contains("views");
  }

  @Test
  void ofRejectsDuplicateNames() throws Exception {
    MetricDefinition a = MetricDefinitionJsonTest.parse(MetricDefinitionJsonTest.CONTRACT_EXAMPLE);
    assertThatThrownBy(() -> MetricCatalog.of(a, a.withVersion(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("top_movies_by_geo");
    assertThat(MetricCatalog.of(a).get(a.name())).contains(a);
  }

  @Test
  void missingOrMalformedMetricsList() {
    assertThat(problems("other: 1")).extracting(Problem::field).containsExactly("metrics");
    assertThat(problems("metrics: {name: x}"))
        .extracting(Problem::field)
        .containsExactly("metrics");
    assertThat(problems("")).extracting(Problem::field).containsExactly("metrics");
    assertThat(problems("metrics: [ unclosed")).extracting(Problem::field).containsExactly("$");
    assertThat(problems("metrics:\n  - 5"))
        .extracting(Problem::field)
        .containsExactly("metrics[0].$");
  }

  @Test
  void defaultsLoadTheThreeExampleMetrics() {
    MetricCatalog defaults = MetricCatalog.defaults();
    assertThat(defaults.size()).isEqualTo(3);
    assertThat(defaults.definitions())
        .extracting(MetricDefinition::name)
        .containsExactly("events_by_category", "top_entities_by_category", "distinct_users_by_geo");
    MetricDefinition top = defaults.get("top_entities_by_category").orElseThrow();
    assertThat(top.aggregate()).isEqualTo(new AggregateSpec(AggregateFunction.TOPK, "entity", 10));
    assertThat(top.window()).isEqualTo(new WindowSpec(300_000, 60_000));
    assertThat(defaults.get("distinct_users_by_geo").orElseThrow().aggregate())
        .isEqualTo(new AggregateSpec(AggregateFunction.DISTINCT, "user", 0));
    assertThat(defaults.get("events_by_category").orElseThrow().window())
        .isEqualTo(WindowSpec.tumbling(60_000));
  }

  @Test
  void readsFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("metrics.yaml");
    Files.writeString(
        file, "metrics:\n  - {name: a, aggregate: {fn: rate}, window: {size: 10s}}\n");
    assertThat(MetricCatalog.read(file).get("a").orElseThrow().aggregate().fn())
        .isEqualTo(AggregateFunction.RATE);
  }

  @Test
  void fixedSourceAnswersTheSameCatalog() {
    MetricCatalog defaults = MetricCatalog.defaults();
    assertThat(MetricCatalogSource.fixed(defaults).current()).isSameAs(defaults);
  }

  @Test
  void findsEveryVersionOfAMetricReplacedAndDeletedOnesToo() throws Exception {
    MetricDefinition first =
        read("metrics:\n  - {name: views, aggregate: {fn: count}, window: {size: 1m}}\n")
            .get("views")
            .orElseThrow();
    MetricDefinition second =
        read("metrics:\n  - {name: views, aggregate: {fn: count}, window: {size: 5m, slide:"
                + " 1m}}\n")
            .get("views")
            .orElseThrow()
            .withVersion(2);
    MetricCatalog replaced =
        MetricCatalog.ofHistories(
            List.of(
                List.of(
                    MetricVersion.of(first, MetricVersion.ALWAYS),
                    MetricVersion.of(second, 1_000))));
    MetricCatalog deleted =
        MetricCatalog.ofHistories(
            List.of(
                List.of(
                    MetricVersion.of(first, MetricVersion.ALWAYS),
                    MetricVersion.of(second, 1_000),
                    MetricVersion.deletion("views", 3, 2_000))));

    assertThat(replaced.get("views")).contains(second);
    assertThat(replaced.version("views", 1)).contains(first);
    assertThat(replaced.version("views", 2)).contains(second);
    assertThat(deleted.get("views")).isEmpty();
    assertThat(deleted.version("views", 1).orElseThrow().spec().slideMillis()).isEqualTo(60_000);
    assertThat(deleted.version("views", 2).orElseThrow().spec().slideMillis()).isEqualTo(60_000);
    assertThat(deleted.version("views", 2).orElseThrow().spec().sizeMillis()).isEqualTo(300_000);
    assertThat(deleted.version("views", 3)).isEmpty();
    assertThat(deleted.version("other", 1)).isEmpty();
  }
}
