package io.tally.serving.errors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.stream.Collectors;

/** Bean Validation failures on request parameters or bodies (for {@code @Valid} resources). */
@Provider
public class ConstraintViolationExceptionMapper
    implements ExceptionMapper<ConstraintViolationException> {
  @Override
  public Response toResponse(ConstraintViolationException e) {
    String detail =
        e.getConstraintViolations() == null || e.getConstraintViolations().isEmpty()
            ? "The request is invalid."
            : e.getConstraintViolations().stream()
                .map(ConstraintViolationExceptionMapper::describe)
                .sorted()
                .collect(Collectors.joining("; "));
    return Problems.of(400, detail);
  }

  private static String describe(ConstraintViolation<?> violation) {
    String path = String.valueOf(violation.getPropertyPath());
    return path.isEmpty() ? violation.getMessage() : path + " " + violation.getMessage();
  }
}
