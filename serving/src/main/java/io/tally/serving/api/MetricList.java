package io.tally.serving.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricDefinitionJson;
import java.util.Collection;
import java.util.List;

/** {@code GET /v1/metrics}: every definition, each in the contract's JSON shape. */
public record MetricList(List<ObjectNode> metrics) {
  public MetricList {
    metrics = List.copyOf(metrics);
  }

  public static MetricList of(Collection<MetricDefinition> definitions) {
    return new MetricList(definitions.stream().map(MetricDefinitionJson::toJson).toList());
  }
}
