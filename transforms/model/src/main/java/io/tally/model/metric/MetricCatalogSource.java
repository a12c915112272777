package io.tally.model.metric;

import java.io.Serializable;

/**
 * Where a running pipeline finds the definitions in force. The pipeline asks again for every
 * bundle, so a source that changes its answer changes what the pipeline computes without a new
 * graph.
 */
@FunctionalInterface
public interface MetricCatalogSource extends Serializable {
  MetricCatalog current();

  static MetricCatalogSource fixed(MetricCatalog catalog) {
    return () -> catalog;
  }
}
