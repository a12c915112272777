package io.tally.tiering.rules;

import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricVersion;
import java.util.Objects;

/**
 * One entry of the rule log: a proposal to make {@code version} the next version of metric {@code
 * name}, in force for events from {@code activeFromMillis}. It takes effect only if {@code version}
 * is one more than the metric's version when the log reaches it ({@link RuleHistory}): so two
 * editors that both saw version 3 cannot both make a version 4, and every reader of the log, in any
 * process, decides the same.
 *
 * @param request identifies the proposal, so that its writer learns whether it took effect
 * @param definition the new definition (with this version), or null to delete the metric
 */
public record RuleChange(
    String request, String name, long version, long activeFromMillis, MetricDefinition definition) {

  public RuleChange {
    Objects.requireNonNull(request, "request");
    // Checks the name, version and definition agree.
    new MetricVersion(name, version, activeFromMillis, definition);
  }

  public boolean isDeletion() {
    return definition == null;
  }

  /** The record key: unique per proposal, so that compaction never drops one that took effect. */
  public String key() {
    return name + "/" + version + "/" + request;
  }
}
