package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.serving.limits.RateLimiter;
import io.tally.serving.query.CoalescingWindowQueries;
import io.tally.serving.query.WindowQueries;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * The {@code queryLimits} section: how the query API protects itself. A short cache with single
 * flight in front of the tiers ({@link CoalescingWindowQueries}), and a rate limit per credential
 * (per client address without one) on {@code /v1/metrics}. Each can be turned off.
 */
public class QueryLimitsFactory {
  /** Share identical concurrent window queries and keep their answers for {@link #cacheTtl}. */
  private boolean coalesce = true;

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration cacheTtl = Duration.milliseconds(500);

  @Min(1)
  private long cacheMaxEntries = 10_000;

  private boolean rateLimit = true;

  @DecimalMin(value = "0", inclusive = false)
  private double requestsPerSecond = 100;

  @Min(1)
  private int burst = 200;

  @Min(1)
  private long maxClients = 100_000;

  @JsonProperty
  public boolean isCoalesce() {
    return coalesce;
  }

  @JsonProperty
  public void setCoalesce(boolean coalesce) {
    this.coalesce = coalesce;
  }

  @JsonProperty
  public Duration getCacheTtl() {
    return cacheTtl;
  }

  @JsonProperty
  public void setCacheTtl(Duration cacheTtl) {
    this.cacheTtl = cacheTtl;
  }

  @JsonProperty
  public long getCacheMaxEntries() {
    return cacheMaxEntries;
  }

  @JsonProperty
  public void setCacheMaxEntries(long cacheMaxEntries) {
    this.cacheMaxEntries = cacheMaxEntries;
  }

  @JsonProperty
  public boolean isRateLimit() {
    return rateLimit;
  }

  @JsonProperty
  public void setRateLimit(boolean rateLimit) {
    this.rateLimit = rateLimit;
  }

  @JsonProperty
  public double getRequestsPerSecond() {
    return requestsPerSecond;
  }

  @JsonProperty
  public void setRequestsPerSecond(double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  @JsonProperty
  public int getBurst() {
    return burst;
  }

  @JsonProperty
  public void setBurst(int burst) {
    this.burst = burst;
  }

  @JsonProperty
  public long getMaxClients() {
    return maxClients;
  }

  @JsonProperty
  public void setMaxClients(long maxClients) {
    this.maxClients = maxClients;
  }

  /** The queries the resources use: {@code service} itself, or wrapped to share work. */
  public WindowQueries wrap(WindowQueries service) {
    return coalesce
        ? new CoalescingWindowQueries(service, cacheTtl.toJavaDuration(), cacheMaxEntries)
        : service;
  }

  /** The per-client limiter, or null when the rate limit is off. */
  public RateLimiter buildRateLimiter() {
    return rateLimit
        ? new RateLimiter(requestsPerSecond, burst, maxClients, Ticker.systemTicker())
        : null;
  }
}
