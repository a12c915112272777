package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.model.metric.InvalidDefinitionException;
import java.util.List;

/**
 * A {@link Problem} for a metric definition that breaks the contract, with an extension member
 * {@code errors} listing every invalid field: {@code [{"field": "window.size", "message": ...}]}.
 */
@JsonPropertyOrder({"type", "title", "status", "detail", "errors"})
public record InvalidDefinitionProblem(
    String type, String title, int status, String detail, List<FieldError> errors) {
  public record FieldError(String field, String message) {}

  public InvalidDefinitionProblem {
    errors = List.copyOf(errors);
  }

  public static List<FieldError> of(List<InvalidDefinitionException.Problem> problems) {
    return problems.stream().map(p -> new FieldError(p.field(), p.message())).toList();
  }
}
