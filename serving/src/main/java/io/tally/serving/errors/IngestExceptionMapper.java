package io.tally.serving.errors;

import io.tally.serving.api.Problem;
import io.tally.serving.api.RejectedEventsProblem;
import io.tally.serving.ingest.IngestDisabledException;
import io.tally.serving.ingest.IngestException;
import io.tally.serving.ingest.IngestRateLimitedException;
import io.tally.serving.ingest.LogOverloadedException;
import io.tally.serving.ingest.LogUnavailableException;
import io.tally.serving.ingest.NoValidEventsException;
import io.tally.serving.ingest.PayloadTooLargeException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest failures as problems: no valid event 400 (with the rejected lines), too large 413, over
 * the node's ingest limit or log overloaded 429 and log unavailable 503 (all three with {@code
 * Retry-After}), no log at all 503. Their messages are written for clients and carry no internals,
 * so they are the detail.
 */
@Provider
public class IngestExceptionMapper implements ExceptionMapper<IngestException> {
  private static final Logger LOG = LoggerFactory.getLogger(IngestExceptionMapper.class);

  @Override
  public Response toResponse(IngestException e) {
    if (e instanceof NoValidEventsException invalid) {
      return Response.status(400)
          .type(Problem.MEDIA_TYPE)
          .entity(
              new RejectedEventsProblem(
                  Problem.INVALID_EVENTS,
                  "No valid events",
                  400,
                  e.getMessage(),
                  invalid.rejected(),
                  invalid.rejectedCount()))
          .build();
    }
    if (e instanceof PayloadTooLargeException) {
      // The body may be partly unread: do not keep a connection whose next request is unknown.
      return Response.fromResponse(Problems.of(413, e.getMessage()))
          .header("Connection", "close")
          .build();
    }
    if (e instanceof IngestRateLimitedException limited) {
      return retryAfter(
          Problems.of(Problem.INGEST_RATE_LIMITED, 429, "Ingest limit reached", e.getMessage()),
          limited.retryAfterSeconds());
    }
    if (e instanceof LogOverloadedException overloaded) {
      return retryAfter(
          Problems.of(Problem.LOG_OVERLOADED, 429, "Event log overloaded", e.getMessage()),
          overloaded.retryAfterSeconds());
    }
    if (e instanceof LogUnavailableException unavailable) {
      LOG.warn("ingest request failed: {}", String.valueOf(e.getCause()));
      return retryAfter(
          Problems.of(Problem.LOG_UNAVAILABLE, 503, "Event log unavailable", e.getMessage()),
          unavailable.retryAfterSeconds());
    }
    if (e instanceof IngestDisabledException) {
      return Problems.of(Problem.INGEST_DISABLED, 503, "Ingest not available", e.getMessage());
    }
    return Problems.of(400, e.getMessage());
  }

  private static Response retryAfter(Response problem, long seconds) {
    return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, seconds).build();
  }
}
