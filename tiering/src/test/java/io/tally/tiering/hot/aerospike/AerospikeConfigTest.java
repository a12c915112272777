package io.tally.tiering.hot.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.Host;
import com.aerospike.client.policy.ClientPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AerospikeConfigTest {

  @Test
  void parsesHostsWithDefaultPort() {
    assertThat(AerospikeConfig.parseHosts("h1:3000, h2:3100 ,h3"))
        .containsExactly(
            new AerospikeConfig.HostPort("h1", 3000),
            new AerospikeConfig.HostPort("h2", 3100),
            new AerospikeConfig.HostPort("h3", 3000));
    assertThat(AerospikeConfig.parseHosts("[::1]:3100,[fe80::1]"))
        .containsExactly(
            new AerospikeConfig.HostPort("::1", 3100),
            new AerospikeConfig.HostPort("fe80::1", 3000));
  }

  @Test
  void rejectsBadHosts() {
    for (String bad :
        List.of("", " , ", "h1:", "h1:x", "h1:70000", ":3000", "h1:tls:4333", "[::1")) {
      assertThatThrownBy(() -> AerospikeConfig.parseHosts(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readsTheEnvironmentWithDefaults() {
    AerospikeConfig config = AerospikeConfig.fromEnv(Map.of("AEROSPIKE_HOSTS", "h1:3000,h2:3000"));
    assertThat(config.hosts()).hasSize(2);
    assertThat(config.namespace()).isEqualTo("test");
    assertThat(config.set()).isEqualTo("hot_windows");
    assertThat(config.connectTimeoutMs()).isEqualTo(1000);
    assertThat(config.socketTimeoutMs()).isEqualTo(1000);
    assertThat(config.totalTimeoutMs()).isEqualTo(3000);
    assertThat(config.tlsName()).isNull();
    assertThat(config.user()).isNull();
    assertThat(config.hasPassword()).isFalse();
    assertThat(config.retentionAfterEnd()).isEqualTo(Duration.ofHours(1));

    AerospikeConfig full =
        AerospikeConfig.fromEnv(
            Map.of(
                "AEROSPIKE_HOSTS", "a:4333",
                "AEROSPIKE_NAMESPACE", "hot",
                "AEROSPIKE_SET", "windows",
                "AEROSPIKE_CONNECT_TIMEOUT_MS", "200",
                "AEROSPIKE_SOCKET_TIMEOUT_MS", "300",
                "AEROSPIKE_TOTAL_TIMEOUT_MS", "900",
                "AEROSPIKE_TLS_NAME", "as-cluster",
                "AEROSPIKE_USER", "tally",
                "AEROSPIKE_PASSWORD", "s3cr3t-pw",
                "AEROSPIKE_RETENTION_SECONDS", "120"));
    assertThat(full.namespace()).isEqualTo("hot");
    assertThat(full.set()).isEqualTo("windows");
    assertThat(full.totalTimeoutMs()).isEqualTo(900);
    assertThat(full.retentionAfterEnd()).isEqualTo(Duration.ofSeconds(120));
    assertThat(full.clientHosts()).containsExactly(new Host("a", "as-cluster", 4333));

    ClientPolicy policy = AerospikeHotStore.clientPolicy(full);
    assertThat(policy.user).isEqualTo("tally");
    assertThat(policy.password).isEqualTo("s3cr3t-pw");
    assertThat(policy.tlsPolicy).isNotNull();
    assertThat(policy.timeout).isEqualTo(200);
    assertThat(AerospikeHotStore.clientPolicy(config).tlsPolicy).isNull();
  }

  @Test
  void toStringHidesThePassword() {
    AerospikeConfig config =
        AerospikeConfig.fromEnv(
            Map.of(
                "AEROSPIKE_HOSTS",
                "h1",
                "AEROSPIKE_USER",
                "tally",
                "AEROSPIKE_PASSWORD",
                "s3cr3t-pw"));
    assertThat(config.toString())
        .doesNotContain("s3cr3t-pw")
        .contains("<hidden>")
        .contains("tally")
        .contains("h1:3000");
    assertThat(config.withSet("other").toString()).doesNotContain("s3cr3t-pw");
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> AerospikeConfig.fromEnv(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AEROSPIKE_HOSTS");
    assertThatThrownBy(
            () ->
                AerospikeConfig.fromEnv(
                    Map.of("AEROSPIKE_HOSTS", "h", "AEROSPIKE_TOTAL_TIMEOUT_MS", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AEROSPIKE_TOTAL_TIMEOUT_MS");
    assertThatThrownBy(
            () ->
                AerospikeConfig.fromEnv(
                    Map.of("AEROSPIKE_HOSTS", "h", "AEROSPIKE_PASSWORD", "pw-only")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("pw-only");
    assertThatThrownBy(
            () ->
                AerospikeConfig.fromEnv(
                    Map.of("AEROSPIKE_HOSTS", "h", "AEROSPIKE_RETENTION_SECONDS", "-1")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
