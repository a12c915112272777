package io.tally.pipelines.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.hot.aerospike.AerospikeConfig;
import java.time.Duration;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class SinkOptionsTest {

  @Test
  void withoutHostsOrUrlThereIsNoAerospikeOrHistorySink() {
    assertThat(AerospikeTier.config(PipelineOptionsFactory.create().as(AerospikeOptions.class)))
        .isNull();
    assertThat(HistoryTier.config(PipelineOptionsFactory.create().as(HistoryOptions.class)))
        .isNull();
  }

  @Test
  void aerospikeOptionsBecomeItsConfigurationWithoutAPassword() {
    AerospikeConfig config =
        AerospikeTier.config(
            PipelineOptionsFactory.fromArgs(
                    "--aerospikeHosts=a1:3100,a2",
                    "--aerospikeNamespace=ssd",
                    "--aerospikeSet=w",
                    "--aerospikeTotalTimeoutMs=500",
                    "--aerospikeTlsName=cluster.example",
                    "--aerospikeUser=tally",
                    "--aerospikeRetention=90m")
                .as(AerospikeOptions.class));

    assertThat(config.hosts()).extracting(Object::toString).containsExactly("a1:3100", "a2:3000");
    assertThat(config.namespace()).isEqualTo("ssd");
    assertThat(config.set()).isEqualTo("w");
    assertThat(config.totalTimeoutMs()).isEqualTo(500);
    assertThat(config.tlsName()).isEqualTo("cluster.example");
    assertThat(config.user()).isEqualTo("tally");
    assertThat(config.hasPassword()).isFalse();
    assertThat(config.retentionAfterEnd()).isEqualTo(Duration.ofMinutes(90));
    assertThat(config.withPassword("s3cr3t").toString())
        .doesNotContain("s3cr3t")
        .contains("<hidden>");
  }

  @Test
  void historyOptionsBecomeItsConfiguration() {
    ClickHouseConfig config =
        HistoryTier.config(
            PipelineOptionsFactory.fromArgs(
                    "--historyJdbcUrl=jdbc:clickhouse://ch:8123/default",
                    "--historyDatabase=hist",
                    "--historyUser=writer")
                .as(HistoryOptions.class));

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:clickhouse://ch:8123/default");
    assertThat(config.database()).isEqualTo("hist");
    assertThat(config.driverClass()).isEqualTo(ClickHouseConfig.DEFAULT_DRIVER);
    assertThat(config.properties())
        .containsEntry("user", "writer")
        .containsEntry("compress", "false");
  }
}
