package io.tally.serving.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.hot.aerospike.AerospikeConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hotStore.aerospike and history sections, read as the service reads its YAML. */
class TierConfigurationTest {

  private static TallyConfiguration read(String resource) throws Exception {
    return new YamlConfigurationFactory<>(
            TallyConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
        .build(new ResourceConfigurationSourceProvider(), resource);
  }

  @Test
  void aerospikeSectionBecomesTheClientsSettingsWithoutShowingThePassword() throws Exception {
    AerospikeConfig config = read("tiers-config.yml").getHotStore().getAerospike().config();

    assertThat(config.hosts()).extracting(Object::toString).containsExactly("as1:3100", "as2:3000");
    assertThat(config.namespace()).isEqualTo("ssd");
    assertThat(config.set()).isEqualTo("windows");
    assertThat(config.totalTimeoutMs()).isEqualTo(500);
    assertThat(config.connectTimeoutMs()).isEqualTo(1000);
    assertThat(config.tlsName()).isEqualTo("cluster.example");
    assertThat(config.user()).isEqualTo("tally");
    assertThat(config.hasPassword()).isTrue();
    assertThat(config.retentionAfterEnd()).isEqualTo(Duration.ofMinutes(90));
    assertThat(config.toString()).doesNotContain("s3cr3t-pw");
  }

  @Test
  void historySectionBecomesTheDriversSettingsWithoutShowingThePassword() throws Exception {
    ClickHouseConfig config = read("tiers-config.yml").getHistory().clickHouseConfig();

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:clickhouse://ch:8123/default");
    assertThat(config.database()).isEqualTo("hist");
    assertThat(config.driverClass()).isEqualTo(ClickHouseConfig.DEFAULT_DRIVER);
    assertThat(config.properties())
        .containsEntry("socket_timeout", "5000")
        .containsEntry("connection_timeout", "2000")
        .containsEntry("user", "reader")
        .containsEntry("password", "ch-s3cr3t")
        .containsEntry("max_execution_time", "10")
        .containsEntry("compress", "false");
    assertThat(config.toString()).doesNotContain("ch-s3cr3t");
  }

  @Test
  void withoutTheSectionsThereAreNoSuchTiers() throws Exception {
    TallyConfiguration config = read("test-config.yml");
    assertThat(config.getHotStore().getAerospike()).isNull();
    assertThat(config.getHotStore().buildRecent()).isNull();
    assertThat(config.getHistory()).isNull();
  }
}
