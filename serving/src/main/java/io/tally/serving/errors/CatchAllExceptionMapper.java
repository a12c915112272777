package io.tally.serving.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything no other mapper claims: a 500 problem with a generic detail and an id to find the
 * logged stack trace; never the exception's message or trace. A client that hung up mid-request is
 * not an error of ours and is only logged at debug.
 */
@Provider
public class CatchAllExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(CatchAllExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    if (e instanceof EofException || e.getCause() instanceof EofException) {
      LOG.debug("The client closed the connection early", e);
      return Problems.of(400, "The request ended early.");
    }
    long id = Problems.newId();
    LOG.error(String.format("Error handling a request: %016x", id), e);
    return Problems.of(500, String.format(Problems.INTERNAL_DETAIL, id));
  }
}
