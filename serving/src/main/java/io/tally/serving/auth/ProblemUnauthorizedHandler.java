package io.tally.serving.auth;

import io.dropwizard.auth.UnauthorizedHandler;
import io.tally.serving.api.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * A missing or unknown key as a 401 problem with its {@code WWW-Authenticate} challenge. Jersey
 * sends a response built in a filter as it is, past the exception mappers, so it is a problem here
 * already. It never repeats what was presented.
 */
public final class ProblemUnauthorizedHandler implements UnauthorizedHandler {
  static final String DETAIL =
      "This request needs a valid API key: send it as 'Authorization: Bearer <key>'.";

  @Override
  public Response buildResponse(String prefix, String realm) {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
        .type(Problem.MEDIA_TYPE)
        .entity(new Problem(Problem.ABOUT_BLANK, "Unauthorized", 401, DETAIL))
        .build();
  }
}
