package io.tally.serving.rules;

import io.tally.model.metric.InvalidDefinitionException.Problem;
import java.util.List;

/** A definition that breaks the contract (HTTP 400), with every invalid field. */
public final class InvalidRuleException extends RuleException {
  private final List<Problem> problems;

  public InvalidRuleException(List<Problem> problems) {
    super(
        problems.size() == 1
            ? "The definition has an invalid field."
            : "The definition has " + problems.size() + " invalid fields.");
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
