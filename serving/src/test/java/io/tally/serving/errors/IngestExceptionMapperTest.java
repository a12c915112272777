package io.tally.serving.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.serving.api.Problem;
import io.tally.serving.api.RejectedEventsProblem;
import io.tally.serving.ingest.EventBatch;
import io.tally.serving.ingest.IngestDisabledException;
import io.tally.serving.ingest.IngestRateLimitedException;
import io.tally.serving.ingest.LogOverloadedException;
import io.tally.serving.ingest.LogUnavailableException;
import io.tally.serving.ingest.NoValidEventsException;
import io.tally.serving.ingest.PayloadTooLargeException;
import io.tally.serving.ingest.RefusedLine;
import io.tally.serving.ingest.Rejection;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestExceptionMapperTest {
  private final IngestExceptionMapper mapper = new IngestExceptionMapper();

  @Test
  void noValidEventsListsTheRejectedLines() {
    List<Rejection> rejected = List.of(new Rejection(1, "id: required"));
    Response response =
        mapper.toResponse(
            new NoValidEventsException(
                new EventBatch(
                    List.of(), List.of(new RefusedLine(1, "id: required", new byte[0])))));
    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
    RejectedEventsProblem problem = (RejectedEventsProblem) response.getEntity();
    assertThat(problem.type()).isEqualTo(Problem.INVALID_EVENTS);
    assertThat(problem.rejected()).isEqualTo(rejected);
    assertThat(problem.rejectedCount()).isEqualTo(1);
  }

  @Test
  void overTheIngestLimitIs429WithRetryAfter() {
    Response response = mapper.toResponse(new IngestRateLimitedException(2));
    assertThat(response.getStatus()).isEqualTo(429);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
    Problem problem = (Problem) response.getEntity();
    assertThat(problem.type()).isEqualTo(Problem.INGEST_RATE_LIMITED);
    assertThat(problem.detail()).contains("Retry the whole request after 2 s");
  }

  @Test
  void overloadIs429WithRetryAfter() {
    Response response = mapper.toResponse(new LogOverloadedException(3, null));
    assertThat(response.getStatus()).isEqualTo(429);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("3");
    Problem problem = (Problem) response.getEntity();
    assertThat(problem.type()).isEqualTo(Problem.LOG_OVERLOADED);
    assertThat(problem.detail()).contains("Retry the whole request", "(source, id)");
  }

  @Test
  void unavailableIs503SayingNothingWasAcceptedAndThatRetryingIsSafe() {
    Response response =
        mapper.toResponse(
            new LogUnavailableException("the broker is away", 1, new RuntimeException("secret")));
    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
    Problem problem = (Problem) response.getEntity();
    assertThat(problem.type()).isEqualTo(Problem.LOG_UNAVAILABLE);
    assertThat(problem.detail())
        .startsWith("The events were not accepted")
        .contains("(source, id)")
        .doesNotContain("secret");
  }

  @Test
  void tooLargeIs413AndDisabledIs503() {
    Response large = mapper.toResponse(new PayloadTooLargeException(5 * 1024 * 1024, new byte[0]));
    assertThat(large.getStatus()).isEqualTo(413);
    assertThat(large.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);

    Response disabled = mapper.toResponse(new IngestDisabledException());
    assertThat(disabled.getStatus()).isEqualTo(503);
    assertThat(((Problem) disabled.getEntity()).detail())
        .isEqualTo("ingest needs a Kafka log; this deployment runs without one");
  }
}
