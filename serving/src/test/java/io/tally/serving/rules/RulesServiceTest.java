package io.tally.serving.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.model.metric.InvalidDefinitionException.Problem;
import io.tally.tiering.rules.InMemoryRuleLog;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The dedup horizon's ceiling, as {@code PUT /v1/metrics/{name}} applies it. */
class RulesServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CEILING = Duration.ofMinutes(10);

  private static JsonNode body(String json) throws Exception {
    return JSON.readTree(json);
  }

  private final InMemoryRuleLog log = new InMemoryRuleLog();
  private final RulesService rules =
      new RulesService(log, Duration.ZERO, Duration.ofSeconds(1), CEILING, Clock.systemUTC());

  @Test
  void aDayLongWindowIsRefusedNamingTheFieldTheNeedTheCeilingAndHowToRaiseIt() throws Exception {
    InvalidRuleException e =
        catchThrowableOfType(
            InvalidRuleException.class,
            () ->
                rules.put(
                    "daily",
                    body(
                        "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"1d\"},"
                            + " \"allowedLateness\": \"6h\"}"),
                    Precondition.NONE));
    assertThat(e).isNotNull();
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("window");
              assertThat(p.message())
                  .contains("30h", "ceiling of 10m", "--dedupHorizon", "rules.dedupHorizon");
            });
    assertThat(rules.current("daily")).isEmpty();
  }

  @Test
  void aWindowThatFitsOnlyWithoutItsLatenessIsRefusedOnTheLateness() {
    InvalidRuleException e =
        catchThrowableOfType(
            InvalidRuleException.class,
            () ->
                RulesService.validate(
                    "views",
                    body(
                        "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"5m\"},"
                            + " \"allowedLateness\": \"6m\"}"),
                    CEILING.toMillis()));
    assertThat(e.problems()).extracting(Problem::field).containsExactly("allowedLateness");
  }

  @Test
  void aDefinitionThatFitsTheCeilingIsAccepted() throws Exception {
    RulesService.Written written =
        rules.put(
            "views",
            body(
                "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"5m\","
                    + " \"slide\": \"1m\"}, \"allowedLateness\": \"5m\"}"),
            Precondition.NONE);
    assertThat(written.created()).isTrue();
    assertThat(rules.current("views")).isPresent();
  }
}
