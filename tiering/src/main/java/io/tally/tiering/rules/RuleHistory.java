package io.tally.tiering.rules;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state that the rule log's changes leave, applied in log order: every metric's versions.
 * Deterministic, so every process that reads the same log holds the same catalog. Not thread-safe:
 * a {@link RuleLog} applies changes from one thread at a time.
 */
public final class RuleHistory {
  private final Map<String, List<MetricVersion>> byName = new LinkedHashMap<>();
  private MetricCatalog catalog = MetricCatalog.ofHistories(List.of());

  /**
   * Applies {@code change} if it is the next version of its metric (any version for a name never
   * seen, so that seeded definitions keep the version their file gives); otherwise leaves
   * everything as it was (another change got there first).
   *
   * @return whether it took effect
   */
  public boolean apply(RuleChange change) {
    List<MetricVersion> history = byName.get(change.name());
    if (history != null && change.version() != history.get(history.size() - 1).version() + 1) {
      return false;
    }
    boolean exists = history != null && !history.get(history.size() - 1).isDeletion();
    if (change.isDeletion() && !exists) {
      return false;
    }
    // Activations never go back in time, whatever the clocks of the writers: a version in force
    // before its predecessor would make the predecessor's time in force negative.
    long activeFrom =
        history == null
            ? change.activeFromMillis()
            : Math.max(
                change.activeFromMillis(), history.get(history.size() - 1).activeFromMillis());
    MetricVersion version =
        new MetricVersion(change.name(), change.version(), activeFrom, change.definition());
    byName.computeIfAbsent(change.name(), n -> new ArrayList<>()).add(version);
    catalog = MetricCatalog.ofHistories(byName.values());
    return true;
  }

  /** The catalog as of the last change applied; a new instance after every change. */
  public MetricCatalog catalog() {
    return catalog;
  }

  /** The latest version of {@code name}, a deletion included; empty if it never existed. */
  public Optional<MetricVersion> latest(String name) {
    List<MetricVersion> history = byName.get(name);
    return history == null ? Optional.empty() : Optional.of(history.get(history.size() - 1));
  }
}
