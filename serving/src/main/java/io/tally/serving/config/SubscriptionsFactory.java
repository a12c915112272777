package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.serving.limits.RateLimiter;
import io.tally.serving.live.SubscriptionSettings;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The {@code subscriptions} section of the configuration: live streams and saved queries. */
public class SubscriptionsFactory {
  /** Where saved queries are kept when the service runs without Kafka. */
  @NotBlank private String savedQueriesFile = "tally-data/saved-queries.json";

  /** The compacted topic of saved queries when the service runs with Kafka. */
  @NotBlank private String savedQueriesTopic = "saved-queries";

  /**
   * A comment line goes to a stream that has been quiet this long (keeps proxies from closing it).
   */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration heartbeat = Duration.seconds(10);

  /** A stream whose client has taken nothing in for this long is closed (with a reason). */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration slowClientTimeout = Duration.seconds(30);

  /**
   * How long a closed stream's reason may take to reach the client before the connection is cut.
   */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.SECONDS)
  private Duration closeGrace = Duration.seconds(10);

  /**
   * The most windows waiting for one client (one change each, the latest); more and the client is
   * too slow. It bounds a stream's memory.
   */
  @Min(1)
  private int maxPendingWindows = 20_000;

  /** A new stream's snapshot holds the windows that ended within this long, and open ones. */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.SECONDS)
  private Duration snapshotHorizon = Duration.minutes(15);

  /** Threads that match changes to streams (each metric's dispatch runs on one at a time). */
  @Min(1)
  private int dispatchThreads = 1;

  /** Threads that write to streams; writes never block, so a few serve every client. */
  @Min(1)
  private int writerThreads = 2;

  /**
   * The most saved queries one credential may have at once; saving one more is a 409 problem until
   * it deletes one.
   */
  @Min(1)
  private int maxSavedQueriesPerPrincipal = 100;

  /** Limit saves and removals of saved queries per credential (a 429 problem over it). */
  private boolean writeRateLimit = true;

  @DecimalMin(value = "0", inclusive = false)
  private double writesPerSecond = 1;

  @Min(1)
  private int writeBurst = 20;

  @Min(1)
  private long writeRateLimitMaxClients = 10_000;

  /** The per-credential limiter of saves and removals, or null when it is off. */
  public RateLimiter buildWriteRateLimiter() {
    return writeRateLimit
        ? new RateLimiter(
            writesPerSecond, writeBurst, writeRateLimitMaxClients, Ticker.systemTicker())
        : null;
  }

  public SubscriptionSettings settings() {
    return new SubscriptionSettings(
        heartbeat.toJavaDuration(),
        slowClientTimeout.toJavaDuration(),
        closeGrace.toJavaDuration(),
        maxPendingWindows,
        snapshotHorizon.toJavaDuration(),
        dispatchThreads,
        writerThreads);
  }

  @JsonProperty
  public String getSavedQueriesFile() {
    return savedQueriesFile;
  }

  @JsonProperty
  public void setSavedQueriesFile(String savedQueriesFile) {
    this.savedQueriesFile = savedQueriesFile;
  }

  @JsonProperty
  public String getSavedQueriesTopic() {
    return savedQueriesTopic;
  }

  @JsonProperty
  public void setSavedQueriesTopic(String savedQueriesTopic) {
    this.savedQueriesTopic = savedQueriesTopic;
  }

  @JsonProperty
  public Duration getHeartbeat() {
    return heartbeat;
  }

  @JsonProperty
  public void setHeartbeat(Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  @JsonProperty
  public Duration getSlowClientTimeout() {
    return slowClientTimeout;
  }

  @JsonProperty
  public void setSlowClientTimeout(Duration slowClientTimeout) {
    this.slowClientTimeout = slowClientTimeout;
  }

  @JsonProperty
  public Duration getCloseGrace() {
    return closeGrace;
  }

  @JsonProperty
  public void setCloseGrace(Duration closeGrace) {
    this.closeGrace = closeGrace;
  }

  @JsonProperty
  public int getMaxPendingWindows() {
    return maxPendingWindows;
  }

  @JsonProperty
  public void setMaxPendingWindows(int maxPendingWindows) {
    this.maxPendingWindows = maxPendingWindows;
  }

  @JsonProperty
  public Duration getSnapshotHorizon() {
    return snapshotHorizon;
  }

  @JsonProperty
  public void setSnapshotHorizon(Duration snapshotHorizon) {
    this.snapshotHorizon = snapshotHorizon;
  }

  @JsonProperty
  public int getDispatchThreads() {
    return dispatchThreads;
  }

  @JsonProperty
  public void setDispatchThreads(int dispatchThreads) {
    this.dispatchThreads = dispatchThreads;
  }

  @JsonProperty
  public int getWriterThreads() {
    return writerThreads;
  }

  @JsonProperty
  public void setWriterThreads(int writerThreads) {
    this.writerThreads = writerThreads;
  }

  @JsonProperty
  public int getMaxSavedQueriesPerPrincipal() {
    return maxSavedQueriesPerPrincipal;
  }

  @JsonProperty
  public void setMaxSavedQueriesPerPrincipal(int maxSavedQueriesPerPrincipal) {
    this.maxSavedQueriesPerPrincipal = maxSavedQueriesPerPrincipal;
  }

  @JsonProperty
  public boolean isWriteRateLimit() {
    return writeRateLimit;
  }

  @JsonProperty
  public void setWriteRateLimit(boolean writeRateLimit) {
    this.writeRateLimit = writeRateLimit;
  }

  @JsonProperty
  public double getWritesPerSecond() {
    return writesPerSecond;
  }

  @JsonProperty
  public void setWritesPerSecond(double writesPerSecond) {
    this.writesPerSecond = writesPerSecond;
  }

  @JsonProperty
  public int getWriteBurst() {
    return writeBurst;
  }

  @JsonProperty
  public void setWriteBurst(int writeBurst) {
    this.writeBurst = writeBurst;
  }

  @JsonProperty
  public long getWriteRateLimitMaxClients() {
    return writeRateLimitMaxClients;
  }

  @JsonProperty
  public void setWriteRateLimitMaxClients(long writeRateLimitMaxClients) {
    this.writeRateLimitMaxClients = writeRateLimitMaxClients;
  }
}
