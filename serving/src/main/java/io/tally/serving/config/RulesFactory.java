package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.tiering.rules.KafkaRuleLog;
import io.tally.tiering.rules.RuleLog;
import io.tally.tiering.rules.SharedRuleLogs;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code rules} section: where metric definitions live and how changes take effect. With a
 * {@code kafka} section, the rule log is the compacted topic {@code topic}, which the pipeline
 * follows too; without one (the embedded mode), it is the in-process log {@code name}.
 */
public class RulesFactory {
  /**
   * The in-process rule log shared with an embedded pipeline (without Kafka); unset, the hot
   * store's name, so one name ties an embedded pipeline to its service.
   */
  private String name;

  /** The compacted rule-log topic (with Kafka). */
  @NotBlank private String topic = "rules";

  /**
   * How long after it is accepted a change takes effect, in event time. Pipeline workers must read
   * the change within this time for every worker to split the stream at the same instant.
   */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS)
  private Duration activationDelay = Duration.seconds(2);

  /**
   * The ceiling of the pipeline's de-duplication horizon: its {@code --dedupHorizon}, which this
   * must equal. A definition whose window plus allowed lateness is longer is refused (400), since
   * copies of its events could be counted twice.
   */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS)
  private Duration dedupHorizon = Duration.minutes(10);

  /** How long a write waits for the rule log to confirm it (then 503). */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration writeTimeout = Duration.seconds(10);

  /** The rule log this service writes to and reads, started (caught up) before it returns. */
  public RuleLog build(KafkaFactory kafka, String hotStoreName, Environment environment) {
    if (kafka == null) {
      return SharedRuleLogs.named(name == null || name.isBlank() ? hotStoreName : name);
    }
    KafkaRuleLog log = new KafkaRuleLog(kafka.clientConfig(Map.of()), topic);
    log.start();
    environment
        .lifecycle()
        .manage(
            new Managed() {
              @Override
              public void stop() {
                log.close();
              }
            });
    return log;
  }

  @JsonProperty
  public String getName() {
    return name;
  }

  @JsonProperty
  public void setName(String name) {
    this.name = name;
  }

  @JsonProperty
  public String getTopic() {
    return topic;
  }

  @JsonProperty
  public void setTopic(String topic) {
    this.topic = topic;
  }

  @JsonProperty
  public Duration getActivationDelay() {
    return activationDelay;
  }

  @JsonProperty
  public void setActivationDelay(Duration activationDelay) {
    this.activationDelay = activationDelay;
  }

  @JsonProperty
  public Duration getDedupHorizon() {
    return dedupHorizon;
  }

  @JsonProperty
  public void setDedupHorizon(Duration dedupHorizon) {
    this.dedupHorizon = dedupHorizon;
  }

  @JsonProperty
  public Duration getWriteTimeout() {
    return writeTimeout;
  }

  @JsonProperty
  public void setWriteTimeout(Duration writeTimeout) {
    this.writeTimeout = writeTimeout;
  }
}
