package io.tally.serving.ops;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Counts every 429 the API answers ({@value #NAME}): the ingest limit, a full producer buffer and
 * the query rate limit each answer one from a different place (exception mappers, a request
 * filter), and Jersey runs response filters on all of them, so one count here sees them all.
 */
public final class TooManyRequestsMeter implements ContainerResponseFilter {
  public static final String NAME = "io.tally.http.tooManyRequests";

  private final Meter meter;

  public TooManyRequestsMeter(MetricRegistry metrics) {
    this.meter = metrics.meter(NAME);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() == 429) {
      meter.mark();
    }
  }
}
