package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.tiering.hot.aerospike.AerospikeConfig;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * The {@code hotStore.aerospike} section: the Aerospike store of recent windows that the pipeline
 * writes ({@code --aerospikeHosts}) and that serving reads for windows its in-memory view lacks
 * (after a restart, or older than the view keeps). The password belongs in the environment ({@code
 * ${AEROSPIKE_PASSWORD}}); it is never logged.
 */
public class AerospikeFactory {
  /** Seed hosts: {@code host[:port][,host[:port]...]}, port 3000 by default. */
  @NotBlank private String hosts;

  @NotBlank private String namespace = "tally";

  @NotBlank private String set = "hot_windows";

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration connectTimeout = Duration.seconds(1);

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration socketTimeout = Duration.seconds(1);

  /** A read with its retries; the answer goes on without this tier after it. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration totalTimeout = Duration.seconds(3);

  /** The TLS name of the servers' certificates; unset: plain TCP. */
  private String tlsName;

  private String user;

  private String password;

  /** How long a window's record outlives the window (the pipeline's writes set the TTL). */
  @NotNull private Duration retention = Duration.hours(2);

  @JsonProperty
  public String getHosts() {
    return hosts;
  }

  @JsonProperty
  public void setHosts(String hosts) {
    this.hosts = hosts;
  }

  @JsonProperty
  public String getNamespace() {
    return namespace;
  }

  @JsonProperty
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @JsonProperty
  public String getSet() {
    return set;
  }

  @JsonProperty
  public void setSet(String set) {
    this.set = set;
  }

  @JsonProperty
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  @JsonProperty
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  @JsonProperty
  public Duration getSocketTimeout() {
    return socketTimeout;
  }

  @JsonProperty
  public void setSocketTimeout(Duration socketTimeout) {
    this.socketTimeout = socketTimeout;
  }

  @JsonProperty
  public Duration getTotalTimeout() {
    return totalTimeout;
  }

  @JsonProperty
  public void setTotalTimeout(Duration totalTimeout) {
    this.totalTimeout = totalTimeout;
  }

  @JsonProperty
  public String getTlsName() {
    return tlsName;
  }

  @JsonProperty
  public void setTlsName(String tlsName) {
    this.tlsName = tlsName;
  }

  @JsonProperty
  public String getUser() {
    return user;
  }

  @JsonProperty
  public void setUser(String user) {
    this.user = user;
  }

  @JsonProperty
  public void setPassword(String password) {
    this.password = password;
  }

  @JsonProperty
  public Duration getRetention() {
    return retention;
  }

  @JsonProperty
  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  /** The client's settings; {@link AerospikeConfig#toString} hides the password. */
  public AerospikeConfig config() {
    return new AerospikeConfig(
        AerospikeConfig.parseHosts(hosts),
        namespace,
        set,
        (int) connectTimeout.toMilliseconds(),
        (int) socketTimeout.toMilliseconds(),
        (int) totalTimeout.toMilliseconds(),
        tlsName,
        user,
        password,
        java.time.Duration.ofMillis(retention.toMilliseconds()));
  }
}
