package io.tally.model.metric;

import java.util.List;
import java.util.stream.Collectors;

/** A metric definition that breaks the contract; lists every problem, not only the first. */
public final class InvalidDefinitionException extends Exception {

  /** One invalid field: {@code field} is a JSON path such as {@code window.size}. */
  public record Problem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private final List<Problem> problems;

  public InvalidDefinitionException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
