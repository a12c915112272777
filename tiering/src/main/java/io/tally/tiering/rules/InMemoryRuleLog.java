package io.tally.tiering.rules;

import java.time.Duration;

/**
 * A rule log in this process's memory, for the embedded mode and tests: the pipeline and the
 * service of one process share it by name ({@link SharedRuleLogs}). It does not outlive the
 * process; the embedded mode seeds it from its metrics file at every start.
 */
public final class InMemoryRuleLog extends RuleLog {
  @Override
  protected void append(RuleChange change, Duration timeout) {
    read(change);
  }
}
