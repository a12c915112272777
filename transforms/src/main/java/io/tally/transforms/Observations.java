package io.tally.transforms;

import io.tally.model.metric.MetricSpec;
import java.util.List;

/**
 * The observations of one metric group gathered within one bundle, with the definition they
 * matched. Aggregation then reads and writes its state once per batch rather than once per event,
 * and the definition crosses the shuffle once per batch.
 */
public record Observations(MetricSpec spec, List<Observation> observations) {
  public Observations {
    observations = List.copyOf(observations);
  }
}
