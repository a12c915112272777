package io.tally.metric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tally.metric.InvalidDefinitionException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable set of active metric definitions, by name. */
public final class MetricCatalog implements Serializable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, MetricDefinition> byName;

  private MetricCatalog(Map<String, MetricDefinition> byName) {
    this.byName = byName;
  }

  public static MetricCatalog of(Collection<MetricDefinition> definitions) {
    Map<String, MetricDefinition> byName = new LinkedHashMap<>();
    for (MetricDefinition definition : definitions) {
      if (byName.put(definition.name(), definition) != null) {
        throw new IllegalArgumentException("two definitions are named " + definition.name());
      }
    }
    return new MetricCatalog(byName);
  }

  public static MetricCatalog of(MetricDefinition... definitions) {
    return of(List.of(definitions));
  }

  /**
   * Reads a YAML or JSON document with a list {@code metrics} of definitions in the contract's
   * shape (JSON is YAML, so one reader serves both).
   */
  public static MetricCatalog read(InputStream document) throws InvalidDefinitionException {
    JsonNode root;
    try {
      root = YAML.readTree(document);
    } catch (IOException e) {
      throw new InvalidDefinitionException(List.of(new Problem("$", "unreadable YAML or JSON: " + e.getMessage())));
    }
    JsonNode metrics = root == null ? null : root.get("metrics");
    if (metrics == null || !metrics.isArray()) {
      throw new InvalidDefinitionException(
          List.of(new Problem("metrics", "required; a list of metric definitions")));
    }
    List<MetricDefinition> definitions = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      try {
        definitions.add(MetricDefinitionJson.parse(metrics.get(i)));
      } catch (InvalidDefinitionException e) {
        for (Problem p : e.problems()) {
          problems.add(new Problem("metrics[" + i + "]." + p.field(), p.message()));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    try {
      return of(definitions);
    } catch (IllegalArgumentException e) {
      throw new InvalidDefinitionException(List.of(new Problem("metrics", e.getMessage())));
    }
  }

  public static MetricCatalog read(Path file) throws InvalidDefinitionException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read metric definitions from " + file, e);
    }
  }

  /** The definitions shipped with the product: the three example metrics of the README. */
  public static MetricCatalog defaults() {
    try (InputStream in = MetricCatalog.class.getResourceAsStream("default-metrics.yaml")) {
      return read(in);
    } catch (IOException | InvalidDefinitionException e) {
      throw new IllegalStateException("the built-in metric definitions are broken", e);
    }
  }

  public Collection<MetricDefinition> definitions() {
    return byName.values();
  }

  public Optional<MetricDefinition> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public int size() {
    return byName.size();
  }
}
