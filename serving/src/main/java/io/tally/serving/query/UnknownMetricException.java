package io.tally.serving.query;

/** No metric of that name is defined (HTTP 404). */
public final class UnknownMetricException extends QueryException {
  private final String metric;

  public UnknownMetricException(String metric) {
    super("no metric is named '" + metric + "'");
    this.metric = metric;
  }

  public String metric() {
    return metric;
  }
}
