package io.tally.model.metric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tally.model.metric.InvalidDefinitionException.Problem;
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

/**
 * An immutable set of metric definitions: the ones in force by name, and each metric's history of
 * versions ({@link MetricVersion}) with the event time each one takes effect from. Queries and
 * listings read the latest versions; the pipeline matches every event against the version in force
 * at the event's time.
 */
public final class MetricCatalog implements Serializable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, MetricDefinition> byName;
  private final Map<String, List<MetricVersion>> histories;

  private MetricCatalog(
      Map<String, MetricDefinition> byName, Map<String, List<MetricVersion>> histories) {
    this.byName = byName;
    this.histories = histories;
  }

  /** Definitions in force for every event, whatever its time. */
  public static MetricCatalog of(Collection<MetricDefinition> definitions) {
    Map<String, MetricDefinition> byName = new LinkedHashMap<>();
    Map<String, List<MetricVersion>> histories = new LinkedHashMap<>();
    for (MetricDefinition definition : definitions) {
      if (byName.put(definition.name(), definition) != null) {
        throw new IllegalArgumentException("two definitions are named " + definition.name());
      }
      histories.put(definition.name(), List.of(MetricVersion.of(definition, MetricVersion.ALWAYS)));
    }
    return new MetricCatalog(byName, histories);
  }

  /**
   * The catalog that a history of changes leaves: each metric's versions in order, the latest one
   * in force unless it is a deletion.
   *
   * @param histories per metric, its versions in increasing version and activation order
   */
  public static MetricCatalog ofHistories(Collection<List<MetricVersion>> histories) {
    Map<String, MetricDefinition> byName = new LinkedHashMap<>();
    Map<String, List<MetricVersion>> byHistory = new LinkedHashMap<>();
    for (List<MetricVersion> history : histories) {
      if (history.isEmpty()) {
        continue;
      }
      String name = history.get(0).name();
      for (int i = 1; i < history.size(); i++) {
        MetricVersion before = history.get(i - 1);
        MetricVersion after = history.get(i);
        if (!after.name().equals(name)
            || after.version() <= before.version()
            || after.activeFromMillis() < before.activeFromMillis()) {
          throw new IllegalArgumentException(
              "the versions of " + name + " are not in version and activation order");
        }
      }
      if (byHistory.put(name, List.copyOf(history)) != null) {
        throw new IllegalArgumentException("two histories are named " + name);
      }
      MetricVersion latest = history.get(history.size() - 1);
      if (!latest.isDeletion()) {
        byName.put(name, latest.definition());
      }
    }
    return new MetricCatalog(byName, byHistory);
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
      throw new InvalidDefinitionException(
          List.of(new Problem("$", "unreadable YAML or JSON: " + e.getMessage())));
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

  /** The latest definition of every metric that is not deleted. */
  public Collection<MetricDefinition> definitions() {
    return byName.values();
  }

  public Optional<MetricDefinition> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Every metric's versions, deleted metrics included: events older than a change still belong to
   * the version before it.
   */
  public Collection<List<MetricVersion>> histories() {
    return histories.values();
  }

  /**
   * The definition of version {@code version} of metric {@code name}, also when a later version
   * replaced it or the metric was deleted: its windows may close after the change.
   */
  public Optional<MetricDefinition> version(String name, long version) {
    for (MetricVersion v : history(name)) {
      if (v.version() == version && !v.isDeletion()) {
        return Optional.of(v.definition());
      }
    }
    MetricDefinition latest = byName.get(name);
    return latest != null && latest.version() == version ? Optional.of(latest) : Optional.empty();
  }

  /** The versions of metric {@code name}, oldest first; empty when it never existed. */
  public List<MetricVersion> history(String name) {
    return histories.getOrDefault(name, List.of());
  }

  public int size() {
    return byName.size();
  }
}
