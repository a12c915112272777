package io.tally.pipelines.sinks;

import io.tally.model.metric.Durations;
import io.tally.tiering.hot.aerospike.AerospikeConfig;
import java.time.Duration;

/** Builds the Aerospike hot tier's configuration from {@link AerospikeOptions}. */
public final class AerospikeTier {
  private AerospikeTier() {}

  /** The configuration the options describe, without the password; null without hosts. */
  public static AerospikeConfig config(AerospikeOptions options) {
    String hosts = options.getAerospikeHosts();
    if (hosts == null || hosts.isBlank()) {
      return null;
    }
    return new AerospikeConfig(
        AerospikeConfig.parseHosts(hosts),
        options.getAerospikeNamespace(),
        options.getAerospikeSet(),
        options.getAerospikeConnectTimeoutMs(),
        options.getAerospikeSocketTimeoutMs(),
        options.getAerospikeTotalTimeoutMs(),
        options.getAerospikeTlsName(),
        options.getAerospikeUser(),
        null,
        Duration.ofMillis(Durations.parseMillis(options.getAerospikeRetention())));
  }
}
