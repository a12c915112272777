package io.tally.serving.health;

import com.codahale.metrics.health.HealthCheck;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import java.util.Objects;

/**
 * Healthy when the definitions in force can be read. An empty catalog is healthy (nothing is
 * defined yet), but says so.
 */
public class MetricCatalogHealthCheck extends HealthCheck {
  private final MetricCatalogSource catalog;

  public MetricCatalogHealthCheck(MetricCatalogSource catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  protected Result check() {
    MetricCatalog current = catalog.current();
    if (current == null) {
      return Result.unhealthy("the metric catalog source returned no catalog");
    }
    return Result.builder()
        .healthy()
        .withMessage(current.size() + " metric definitions")
        .withDetail("metrics", current.size())
        .build();
  }
}
