package io.tally.serving.errors;

import io.tally.serving.api.InvalidDefinitionProblem;
import io.tally.serving.api.Problem;
import io.tally.serving.rules.InvalidRuleException;
import io.tally.serving.rules.PreconditionFailedException;
import io.tally.serving.rules.RuleException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Invalid definitions are 400 problems listing every field, failed preconditions 412. */
@Provider
public class RuleExceptionMapper implements ExceptionMapper<RuleException> {
  @Override
  public Response toResponse(RuleException e) {
    if (e instanceof InvalidRuleException invalid) {
      return Response.status(400)
          .type(Problem.MEDIA_TYPE)
          .entity(
              new InvalidDefinitionProblem(
                  Problem.INVALID_DEFINITION,
                  "Invalid metric definition",
                  400,
                  e.getMessage(),
                  InvalidDefinitionProblem.of(invalid.problems())))
          .build();
    }
    if (e instanceof PreconditionFailedException) {
      return Problems.of(Problem.PRECONDITION_FAILED, 412, "Precondition failed", e.getMessage());
    }
    return Problems.of(400, e.getMessage());
  }
}
