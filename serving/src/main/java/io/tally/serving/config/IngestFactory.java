package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tally.serving.ingest.IngestAdmission;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

/**
 * The {@code ingest} section: the node's admission limit on {@code POST /v1/events}, in events
 * (lines) per second with a burst. Off by default: the rate a deployment sustains depends on its
 * broker and its pipeline's parallelism, so it is set from a measurement (see docs/api.md), and a
 * limit guessed too low would refuse events the system could count. Without it, a broker that
 * cannot keep up still turns into 429s through the producer's bounded buffer, but only once the log
 * is behind; with it, the node refuses before.
 */
public class IngestFactory {
  private boolean rateLimit = false;

  @DecimalMin(value = "0", inclusive = false)
  private double eventsPerSecond = 10_000;

  /**
   * Events taken at once above the rate. At least the lines of the largest request a client sends,
   * or such a request waits for a full bucket (it is then let through, and pays it back).
   */
  @Min(1)
  private int burst = 20_000;

  @JsonProperty
  public boolean isRateLimit() {
    return rateLimit;
  }

  @JsonProperty
  public void setRateLimit(boolean rateLimit) {
    this.rateLimit = rateLimit;
  }

  @JsonProperty
  public double getEventsPerSecond() {
    return eventsPerSecond;
  }

  @JsonProperty
  public void setEventsPerSecond(double eventsPerSecond) {
    this.eventsPerSecond = eventsPerSecond;
  }

  @JsonProperty
  public int getBurst() {
    return burst;
  }

  @JsonProperty
  public void setBurst(int burst) {
    this.burst = burst;
  }

  public IngestAdmission buildAdmission() {
    return rateLimit
        ? IngestAdmission.limited(eventsPerSecond, burst, Ticker.systemTicker())
        : IngestAdmission.unlimited();
  }
}
