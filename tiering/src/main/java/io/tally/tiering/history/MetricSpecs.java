package io.tally.tiering.history;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricSpec;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/**
 * What the history tier may learn about a metric version that a window update does not carry: the
 * window's slide (to know whether windows tile and may be rolled up) and top-K's {@code k}. Looked
 * up when a window is first written and stored with it, so that stored rows describe themselves
 * even after the definition has changed or been removed.
 */
@FunctionalInterface
public interface MetricSpecs extends Serializable {

  Optional<MetricSpec> find(String metric, long version);

  /** Knows nothing: windows are stored with an unknown slide and are never rolled up. */
  static MetricSpecs none() {
    return (metric, version) -> Optional.empty();
  }

  /** The definitions of a catalog, at every version it knows, replaced and deleted ones too. */
  static MetricSpecs of(MetricCatalog catalog) {
    return (metric, version) -> catalog.version(metric, version).map(d -> d.spec());
  }

  /** {@link #of(MetricCatalog)} of whatever catalog {@code catalog} holds at each lookup. */
  static MetricSpecs following(MetricCatalogSource catalog) {
    return (metric, version) -> of(catalog.current()).find(metric, version);
  }

  /** Fixed specs, by metric name (whatever the version): for tests and tools. */
  static MetricSpecs of(Map<String, MetricSpec> byMetric) {
    Map<String, MetricSpec> copy = Map.copyOf(byMetric);
    return (metric, version) -> Optional.ofNullable(copy.get(metric));
  }
}
