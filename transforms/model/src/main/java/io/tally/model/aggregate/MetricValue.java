package io.tally.model.aggregate;

import java.io.Serializable;
import java.util.List;

/** What a metric shows for one window and group: a number, or a ranking for top-K. */
public sealed interface MetricValue extends Serializable {

  /** A count, sum, rate or distinct count. */
  record Scalar(double value) implements MetricValue {}

  /** The most frequent values, largest count first, ties by key ascending. */
  record Ranking(List<RankedItem> items) implements MetricValue {
    public Ranking {
      items = List.copyOf(items);
    }
  }

  record RankedItem(String key, long count) implements Serializable {}
}
