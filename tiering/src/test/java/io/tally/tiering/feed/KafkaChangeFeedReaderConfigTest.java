package io.tally.tiering.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaChangeFeedReaderConfigTest {
  @Test
  void overridesCannotTurnTheReaderIntoAGroupMember() {
    Map<String, Object> config =
        KafkaChangeFeedReader.consumerConfig(
            Map.of(
                "bootstrap.servers", "k:9092",
                "group.id", "g",
                "enable.auto.commit", "true",
                "isolation.level", "read_uncommitted"),
            "aggregates");

    assertThat(config)
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("isolation.level", "read_uncommitted")
        .containsEntry("allow.auto.create.topics", false)
        .containsEntry("auto.offset.reset", "earliest")
        .doesNotContainKey("group.id");
  }
}
