package io.tally.tiering.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricDefinitionJson;
import io.tally.model.metric.MetricVersion;
import io.tally.tiering.rules.RuleLog.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleHistoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  static MetricDefinition definition(String name, String window, long version) throws Exception {
    return MetricDefinitionJson.parse(
            JSON.readTree(
                "{\"name\":\""
                    + name
                    + "\",\"aggregate\":{\"fn\":\"count\"},\"window\":{\"size\":\""
                    + window
                    + "\"}}"))
        .withVersion(version);
  }

  @Test
  void onlyTheNextVersionTakesEffectSoConcurrentEditorsCannotBothWin() throws Exception {
    RuleHistory history = new RuleHistory();
    assertThat(history.apply(new RuleChange("a", "views", 1, 0, definition("views", "1m", 1))))
        .isTrue();
    // Two editors both saw version 1 and propose a version 2: the first in the log wins.
    assertThat(history.apply(new RuleChange("b", "views", 2, 100, definition("views", "5m", 2))))
        .isTrue();
    assertThat(history.apply(new RuleChange("c", "views", 2, 100, definition("views", "1h", 2))))
        .isFalse();
    // A version that skips ahead is not taken either.
    assertThat(history.apply(new RuleChange("d", "views", 4, 100, definition("views", "1h", 4))))
        .isFalse();

    assertThat(history.catalog().get("views").orElseThrow().window().sizeMillis())
        .isEqualTo(300_000);
    assertThat(history.catalog().history("views"))
        .extracting(MetricVersion::version, MetricVersion::activeFromMillis)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, 0L),
            org.assertj.core.groups.Tuple.tuple(2L, 100L));
  }

  @Test
  void aDeletionIsAVersionAndTheMetricCanBeCreatedAgain() throws Exception {
    RuleHistory history = new RuleHistory();
    history.apply(new RuleChange("a", "views", 1, 0, definition("views", "1m", 1)));
    assertThat(history.apply(new RuleChange("b", "views", 2, 50, null))).isTrue();
    assertThat(history.catalog().get("views")).isEmpty();
    assertThat(history.catalog().histories()).hasSize(1);
    // Deleting what is already deleted changes nothing.
    assertThat(history.apply(new RuleChange("c", "views", 3, 60, null))).isFalse();
    assertThat(history.apply(new RuleChange("d", "views", 3, 70, definition("views", "10s", 3))))
        .isTrue();
    assertThat(history.catalog().get("views").orElseThrow().version()).isEqualTo(3);
  }

  @Test
  void activationsNeverGoBackInTime() throws Exception {
    RuleHistory history = new RuleHistory();
    history.apply(new RuleChange("a", "views", 1, 1_000, definition("views", "1m", 1)));
    // A writer whose clock is behind: its version takes effect with its predecessor's time.
    history.apply(new RuleChange("b", "views", 2, 400, definition("views", "5m", 2)));
    assertThat(history.catalog().history("views").get(1).activeFromMillis()).isEqualTo(1_000);
  }

  @Test
  void aWriterLearnsWhetherItsChangeTookEffect() throws Exception {
    InMemoryRuleLog log = new InMemoryRuleLog();
    assertThat(
            log.submit(new RuleChange("a", "views", 1, 0, definition("views", "1m", 1)), TIMEOUT))
        .isEqualTo(Outcome.APPLIED);
    assertThat(
            log.submit(new RuleChange("b", "views", 1, 0, definition("views", "5m", 1)), TIMEOUT))
        .isEqualTo(Outcome.CONFLICT);
    // The first version of a new name may be any: a seeded file's versions are kept.
    assertThat(
            log.submit(new RuleChange("c", "plays", 4, 0, definition("plays", "5m", 4)), TIMEOUT))
        .isEqualTo(Outcome.APPLIED);
    assertThat(log.catalog().get("views").orElseThrow().window().sizeMillis()).isEqualTo(60_000);
  }

  @Test
  void seedingKeepsWhatTheLogAlreadyHas() throws Exception {
    InMemoryRuleLog log = new InMemoryRuleLog();
    log.submit(new RuleChange("a", "views", 1, 0, definition("views", "1m", 1)), TIMEOUT);
    log.submit(new RuleChange("b", "views", 2, 10, null), TIMEOUT);
    log.seed(
        io.tally.model.metric.MetricCatalog.of(
            List.of(definition("views", "5m", 7), definition("plays", "5m", 3))),
        TIMEOUT);
    assertThat(log.catalog().get("views")).isEmpty();
    MetricVersion plays = log.catalog().history("plays").get(0);
    assertThat(plays.version()).isEqualTo(3);
    assertThat(plays.activeFromMillis()).isEqualTo(MetricVersion.ALWAYS);
  }

  @Test
  void changesRoundTripThroughTheirRecordValue() throws Exception {
    RuleChange change = new RuleChange("r-1", "views", 3, 1234, definition("views", "1m", 3));
    assertThat(RuleChangeJson.read(RuleChangeJson.write(change))).isEqualTo(change);
    RuleChange deletion = new RuleChange("r-2", "views", 4, 5678, null);
    assertThat(RuleChangeJson.read(RuleChangeJson.write(deletion))).isEqualTo(deletion);
    assertThat(deletion.key()).isEqualTo("views/4/r-2");
  }
}
