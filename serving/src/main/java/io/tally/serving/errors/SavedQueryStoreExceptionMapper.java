package io.tally.serving.errors;

import io.tally.serving.api.Problem;
import io.tally.serving.live.SavedQueryStoreException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A saved query that could not be stored or removed durably: 503, nothing changed. */
@Provider
public class SavedQueryStoreExceptionMapper implements ExceptionMapper<SavedQueryStoreException> {
  private static final Logger LOG = LoggerFactory.getLogger(SavedQueryStoreExceptionMapper.class);

  @Override
  public Response toResponse(SavedQueryStoreException e) {
    LOG.warn("saved queries unavailable: {}", e.getMessage(), e.getCause());
    return Response.fromResponse(
            Problems.of(
                Problem.SAVED_QUERIES_UNAVAILABLE,
                503,
                "Saved queries unavailable",
                "The saved query could not be stored; nothing was changed. Try again later."))
        .header("Retry-After", 1)
        .build();
  }
}
