package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.serving.ingest.KafkaEventLog;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code kafka} section of the configuration: the durable log behind {@code POST /v1/events}
 * and the change feed that the in-memory view is rebuilt from. Without it (the embedded mode) the
 * service runs without Kafka: ingest answers 503 and the hot store is fed in-process.
 */
public class KafkaFactory {
  @NotBlank private String bootstrapServers;

  /** Where accepted events go (contract §1: key = category, value = the event's JSON). */
  @NotBlank private String eventsTopic = "events";

  /**
   * Where {@code POST /v1/events} writes every line it refuses, as the pipeline writes the invalid
   * records it reads (the same topic by default).
   */
  @NotBlank private String deadLetterTopic = "events.dlq";

  /** The compacted topic of window updates that the pipeline publishes. */
  @NotBlank private String changeFeedTopic = "aggregates";

  /**
   * Settings of every Kafka client of the service (ingest and dead-letter producers, change-feed
   * and saved-query consumers, the rule log, the health check's admin client): security, SASL and
   * TLS settings go here.
   */
  @NotNull private Map<String, String> properties = new LinkedHashMap<>();

  /** Producer settings on top of Tally's defaults (see {@code KafkaEventLog}). */
  @NotNull private Map<String, String> producer = new LinkedHashMap<>();

  /** Consumer settings of the change-feed reader (e.g. security settings). */
  @NotNull private Map<String, String> consumer = new LinkedHashMap<>();

  /** How long an ingest request waits for the broker to acknowledge all of its events. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration ackTimeout = Duration.seconds(10);

  /** The {@code Retry-After} of a 429 when the producer's buffer is full. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration retryAfter = Duration.seconds(1);

  /**
   * How long start-up waits for the view to catch up with the change feed before the service opens
   * its ports (answers before that could show fewer events than before a restart); 0 to not wait.
   * Start-up goes on after it either way, and the health check says whether it is done.
   */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.SECONDS)
  private Duration catchUpTimeout = Duration.seconds(60);

  @JsonProperty
  public String getBootstrapServers() {
    return bootstrapServers;
  }

  @JsonProperty
  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  @JsonProperty
  public String getEventsTopic() {
    return eventsTopic;
  }

  @JsonProperty
  public void setEventsTopic(String eventsTopic) {
    this.eventsTopic = eventsTopic;
  }

  @JsonProperty
  public String getDeadLetterTopic() {
    return deadLetterTopic;
  }

  @JsonProperty
  public void setDeadLetterTopic(String deadLetterTopic) {
    this.deadLetterTopic = deadLetterTopic;
  }

  @JsonProperty
  public String getChangeFeedTopic() {
    return changeFeedTopic;
  }

  @JsonProperty
  public void setChangeFeedTopic(String changeFeedTopic) {
    this.changeFeedTopic = changeFeedTopic;
  }

  @JsonProperty
  public Map<String, String> getProducer() {
    return producer;
  }

  @JsonProperty
  public void setProducer(Map<String, String> producer) {
    this.producer = producer;
  }

  @JsonProperty
  public Map<String, String> getConsumer() {
    return consumer;
  }

  @JsonProperty
  public void setConsumer(Map<String, String> consumer) {
    this.consumer = consumer;
  }

  @JsonProperty
  public Duration getAckTimeout() {
    return ackTimeout;
  }

  @JsonProperty
  public void setAckTimeout(Duration ackTimeout) {
    this.ackTimeout = ackTimeout;
  }

  @JsonProperty
  public Duration getRetryAfter() {
    return retryAfter;
  }

  @JsonProperty
  public void setRetryAfter(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }

  @JsonProperty
  public Duration getCatchUpTimeout() {
    return catchUpTimeout;
  }

  @JsonProperty
  public void setCatchUpTimeout(Duration catchUpTimeout) {
    this.catchUpTimeout = catchUpTimeout;
  }

  @JsonProperty
  public Map<String, String> getProperties() {
    return properties;
  }

  @JsonProperty
  public void setProperties(Map<String, String> properties) {
    this.properties = properties;
  }

  /**
   * The client settings every Kafka client of the service shares (the bootstrap servers and {@code
   * properties}), plus {@code overrides}.
   */
  public Map<String, Object> clientConfig(Map<String, String> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrapServers);
    config.putAll(properties);
    config.putAll(overrides);
    return config;
  }

  /** The producer behind ingest: accepted events to the events topic, refused lines to the DLQ. */
  public KafkaEventLog buildEventLog() {
    return new KafkaEventLog(
        clientConfig(producer),
        eventsTopic,
        deadLetterTopic,
        ackTimeout.toJavaDuration(),
        retryAfter.toJavaDuration());
  }
}
