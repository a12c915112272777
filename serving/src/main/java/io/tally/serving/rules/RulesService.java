package io.tally.serving.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.metric.DedupHorizon;
import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.InvalidDefinitionException.Problem;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricDefinitionJson;
import io.tally.model.metric.MetricVersion;
import io.tally.serving.query.UnknownMetricException;
import io.tally.tiering.rules.RuleChange;
import io.tally.tiering.rules.RuleLog;
import io.tally.tiering.rules.RuleLog.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Creates, replaces and deletes metric definitions (contract §5) by appending to the rule log.
 *
 * <p>A change takes effect for events from {@code activationDelay} after it is accepted, by event
 * time: a little in the future, so that every pipeline worker has read the change before the first
 * event it applies to arrives, and all of them split the stream at the same instant.
 *
 * <p>Nothing is written unless the definition is valid and the precondition holds, and a change is
 * answered only once the log has it and this node has read it back, so a reader of this node sees
 * its own write.
 */
public final class RulesService {
  /** Attempts of an unconditional write that keeps meeting concurrent changes. */
  private static final int UNCONDITIONAL_ATTEMPTS = 3;

  private final RuleLog log;
  private final Duration activationDelay;
  private final Duration writeTimeout;
  private final Duration dedupHorizon;
  private final Clock clock;

  /**
   * @param dedupHorizon the ceiling of the pipeline's dedup horizon ({@code --dedupHorizon}): a
   *     definition that needs more is refused ({@link DedupHorizon})
   */
  public RulesService(
      RuleLog log,
      Duration activationDelay,
      Duration writeTimeout,
      Duration dedupHorizon,
      Clock clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.activationDelay = activationDelay;
    this.writeTimeout = writeTimeout;
    this.dedupHorizon = Objects.requireNonNull(dedupHorizon, "dedupHorizon");
    this.clock = clock;
  }

  /** The result of a write: the version now in force, and whether the metric is new. */
  public record Written(MetricVersion version, boolean created) {}

  /** Creates or replaces metric {@code name} with the definition in {@code body}. */
  public Written put(String name, JsonNode body, Precondition precondition) {
    MetricDefinition definition = validate(name, body, dedupHorizon.toMillis());
    for (int attempt = 1; ; attempt++) {
      OptionalLong current = currentVersion(name);
      precondition.check(name, current);
      long next = log.latest(name).map(MetricVersion::version).orElse(0L) + 1;
      RuleChange change =
          new RuleChange(
              UUID.randomUUID().toString(), name, next, activeFrom(), definition.withVersion(next));
      if (log.submit(change, writeTimeout) == Outcome.APPLIED) {
        return new Written(log.latest(name).orElseThrow(), current.isEmpty());
      }
      raceLost(name, precondition, attempt);
    }
  }

  /** Deletes metric {@code name}: it stops counting; its results stay until they expire. */
  public MetricVersion delete(String name, Precondition precondition) {
    for (int attempt = 1; ; attempt++) {
      OptionalLong current = currentVersion(name);
      if (current.isEmpty()) {
        throw new UnknownMetricException(name);
      }
      precondition.check(name, current);
      RuleChange deletion =
          new RuleChange(
              UUID.randomUUID().toString(), name, current.getAsLong() + 1, activeFrom(), null);
      if (log.submit(deletion, writeTimeout) == Outcome.APPLIED) {
        return log.latest(name).orElseThrow();
      }
      raceLost(name, precondition, attempt);
    }
  }

  /** The latest version of {@code name} if it is in force (not deleted). */
  public Optional<MetricVersion> current(String name) {
    return log.latest(name).filter(v -> !v.isDeletion());
  }

  /** The definition in the contract's shape, with its version and, if set, its activation. */
  public static ObjectNode toJson(MetricVersion version) {
    ObjectNode json = MetricDefinitionJson.toJson(version.definition());
    if (version.activeFromMillis() != MetricVersion.ALWAYS) {
      json.put("activeFrom", Instant.ofEpochMilli(version.activeFromMillis()).toString());
    }
    return json;
  }

  private OptionalLong currentVersion(String name) {
    Optional<MetricVersion> current = current(name);
    return current.isPresent() ? OptionalLong.of(current.get().version()) : OptionalLong.empty();
  }

  /**
   * Another change to the metric reached the log first. A conditional write fails (its condition is
   * checked again, against what is now there); an unconditional one tries again.
   */
  private void raceLost(String name, Precondition precondition, int attempt) {
    if (precondition.isConditional()) {
      precondition.check(name, currentVersion(name));
      throw new PreconditionFailedException(
          "Metric '" + name + "' was changed by another request at the same time.");
    }
    if (attempt >= UNCONDITIONAL_ATTEMPTS) {
      throw new PreconditionFailedException(
          "Metric '" + name + "' keeps being changed by other requests; try again.");
    }
  }

  private long activeFrom() {
    return clock.millis() + activationDelay.toMillis();
  }

  /**
   * Checks the path's name and the body together, reporting every problem at once. The body's
   * {@code name} may be left out; {@code version} and {@code activeFrom} are the server's and
   * ignored, so a definition read with GET can be changed and sent back as it is. A definition that
   * needs a longer dedup horizon than {@code dedupHorizonMillis} is refused, on the field {@code
   * window} or {@code allowedLateness}.
   */
  static MetricDefinition validate(String name, JsonNode body, long dedupHorizonMillis) {
    List<Problem> problems = new ArrayList<>();
    if (!MetricDefinitionJson.NAME.matcher(name).matches()) {
      problems.add(new Problem("name", "the name in the path must match [a-z0-9_]{1,64}"));
    }
    if (body == null || !body.isObject()) {
      problems.add(new Problem("$", "the body must be a metric definition, a JSON object"));
      throw new InvalidRuleException(problems);
    }
    ObjectNode definition = ((ObjectNode) body).deepCopy();
    definition.remove("version");
    definition.remove("activeFrom");
    JsonNode bodyName = definition.get("name");
    if (bodyName == null || bodyName.isNull()) {
      definition.put("name", name);
    } else if (!bodyName.isTextual() || !bodyName.asText().equals(name)) {
      problems.add(
          new Problem("name", "must be the name in the path, '" + name + "', or left out"));
      definition.put("name", name);
    }
    try {
      MetricDefinition parsed = MetricDefinitionJson.parse(definition);
      DedupHorizon.problem(parsed, dedupHorizonMillis).ifPresent(problems::add);
      if (!problems.isEmpty()) {
        throw new InvalidRuleException(problems);
      }
      return parsed;
    } catch (InvalidDefinitionException e) {
      boolean nameReported = problems.stream().anyMatch(p -> p.field().equals("name"));
      for (Problem p : e.problems()) {
        if (!(nameReported && p.field().equals("name"))) {
          problems.add(p);
        }
      }
      throw new InvalidRuleException(problems);
    }
  }
}
