package io.tally.serving.errors;

import io.tally.serving.api.Problem;
import io.tally.serving.live.SavedQueryLimitException;
import io.tally.serving.live.UnknownSavedQueryException;
import io.tally.serving.query.InvalidQueryException;
import io.tally.serving.query.NotReadyException;
import io.tally.serving.query.QueryException;
import io.tally.serving.query.QueryRateLimitedException;
import io.tally.serving.query.UnknownMetricException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Invalid parameters are 400 problems, unknown metrics and saved queries 404 problems, a credential
 * at its cap of saved queries a 409 problem, a client over its rate limit a 429 problem with {@code
 * Retry-After}.
 */
@Provider
public class QueryExceptionMapper implements ExceptionMapper<QueryException> {
  @Override
  public Response toResponse(QueryException e) {
    if (e instanceof UnknownMetricException) {
      return Problems.of(Problem.UNKNOWN_METRIC, 404, "Unknown metric", e.getMessage());
    }
    if (e instanceof UnknownSavedQueryException) {
      return Problems.of(Problem.UNKNOWN_SAVED_QUERY, 404, "Unknown saved query", e.getMessage());
    }
    if (e instanceof SavedQueryLimitException) {
      return Problems.of(Problem.SAVED_QUERY_LIMIT, 409, "Too many saved queries", e.getMessage());
    }
    if (e instanceof InvalidQueryException) {
      return Problems.of(Problem.INVALID_QUERY, 400, "Invalid query parameter", e.getMessage());
    }
    if (e instanceof NotReadyException notReady) {
      return Response.fromResponse(
              Problems.of(Problem.NOT_READY, 503, "Not ready yet", e.getMessage()))
          .header(HttpHeaders.RETRY_AFTER, notReady.retryAfterSeconds())
          .build();
    }
    if (e instanceof QueryRateLimitedException limited) {
      return Response.fromResponse(
              Problems.of(Problem.QUERY_RATE_LIMITED, 429, "Too many queries", e.getMessage()))
          .header(HttpHeaders.RETRY_AFTER, limited.retryAfterSeconds())
          .build();
    }
    return Problems.of(400, e.getMessage());
  }
}
