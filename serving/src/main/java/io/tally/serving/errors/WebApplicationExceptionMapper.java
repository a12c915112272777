package io.tally.serving.errors;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jersey's own errors (404 for unknown paths, 405, 406, 415, bad parameters...) and any {@link
 * WebApplicationException} thrown by resources, as problems. Keeps the original headers (e.g.
 * {@code Allow} on a 405). A 5xx never shows its message: it is logged with an id instead.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
  private static final Logger LOG = LoggerFactory.getLogger(WebApplicationExceptionMapper.class);

  @Context private UriInfo uri;
  @Context private Request request;

  @Override
  public Response toResponse(WebApplicationException e) {
    Response original = e.getResponse();
    int status = original == null ? 500 : original.getStatus();
    String detail;
    if (status >= 500) {
      long id = Problems.newId();
      LOG.error(String.format("Error handling a request: %016x", id), e);
      detail = String.format(Problems.INTERNAL_DETAIL, id);
    } else if (status == 403) {
      detail = "The API key presented does not have the role this request needs.";
    } else if (e instanceof NotFoundException) {
      detail = "Nothing is at " + path() + ".";
    } else if (e instanceof NotAllowedException) {
      detail = "Method " + method() + " is not allowed on " + path() + ".";
    } else if (e.getMessage() == null || e.getMessage().startsWith("HTTP " + status)) {
      detail = Problems.title(status) + ".";
    } else {
      detail = e.getMessage();
    }
    return Problems.of(
        io.tally.serving.api.Problem.ABOUT_BLANK, status, Problems.title(status), detail, original);
  }

  private String path() {
    try {
      return "/" + uri.getPath(true);
    } catch (RuntimeException outsideOfARequest) {
      return "this path";
    }
  }

  private String method() {
    try {
      return request.getMethod();
    } catch (RuntimeException outsideOfARequest) {
      return "this method";
    }
  }
}
