package io.tally.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.serving.api.Problem;
import io.tally.serving.errors.QueryExceptionMapper;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.tiers.TieredWindowReader;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node whose view has not caught up with the change feed refuses window queries with a 503
 * problem and {@code Retry-After}, rather than answer fewer events than before its restart; once
 * caught up it answers.
 */
class ServingReadinessTest {
  private static final long T0 = 1_796_000_040_000L;
  private static final Map<String, List<String>> QUERY =
      Map.of("from", List.of(Long.toString(T0)), "to", List.of(Long.toString(T0 + 60_000)));

  @Test
  void queriesAreRefusedUntilTheViewHasCaughtUp() {
    AtomicBoolean caughtUp = new AtomicBoolean(false);
    ServingReadiness readiness = new ServingReadiness();
    readiness.follow(caughtUp::get);
    WindowQueryService service =
        new WindowQueryService(
            MetricCatalogSource.fixed(MetricCatalog.defaults()),
            TieredWindowReader.memoryOnly(new InMemoryHotStore()),
            Duration.ofDays(1).toMillis(),
            readiness);

    assertThatThrownBy(() -> service.windows("events_by_category", QUERY))
        .isInstanceOfSatisfying(
            NotReadyException.class,
            e -> {
              Response response = new QueryExceptionMapper().toResponse(e);
              assertThat(response.getStatus()).isEqualTo(503);
              assertThat(response.getHeaderString(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
              assertThat(((Problem) response.getEntity()).type()).isEqualTo(Problem.NOT_READY);
            });

    caughtUp.set(true);
    assertThat(service.windows("events_by_category", QUERY).windows()).isEmpty();
  }

  @Test
  void withoutAChangeFeedANodeIsReady() {
    assertThat(new ServingReadiness().ready()).isTrue();
  }
}
