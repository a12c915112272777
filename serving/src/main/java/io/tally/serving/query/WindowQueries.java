package io.tally.serving.query;

import io.tally.model.metric.MetricDefinition;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the query resources ask: metric definitions and the windows of a metric. {@link
 * WindowQueryService} answers from the storage tiers; {@link CoalescingWindowQueries} wraps it to
 * share work between identical concurrent queries.
 */
public interface WindowQueries {
  Collection<MetricDefinition> definitions();

  /**
   * @throws UnknownMetricException when no metric has that name
   */
  MetricDefinition definition(String name);

  /**
   * The windows of metric {@code name} that start in {@code [from, to)}.
   *
   * @param parameters the query parameters, decoded: {@code from} and {@code to} (RFC 3339 or epoch
   *     milliseconds), every other one a dimension of the metric and the value its groups must have
   * @throws QueryException when the query cannot be answered as asked
   */
  MetricWindows windows(String name, Map<String, List<String>> parameters);
}
