package io.tally.serving.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import io.tally.serving.api.Problem;
import io.tally.serving.query.InvalidQueryException;
import io.tally.serving.query.UnknownMetricException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class ExceptionMappersTest {

  @Test
  void queryErrors() {
    Response bad =
        new QueryExceptionMapper().toResponse(new InvalidQueryException("from", "is bad"));
    assertProblem(bad, 400, Problem.INVALID_QUERY, "'from' is bad");
    Response unknown = new QueryExceptionMapper().toResponse(new UnknownMetricException("x"));
    assertProblem(unknown, 404, Problem.UNKNOWN_METRIC, "no metric is named 'x'");
  }

  @Test
  void invalidJsonIs400AndJacksonMisuseIs500() {
    Response bad =
        new JsonProcessingExceptionMapper()
            .toResponse(new JsonParseException(null, "Unexpected character ('}')"));
    assertProblem(bad, 400, Problem.INVALID_BODY, null);
    assertThat(((Problem) bad.getEntity()).detail()).contains("Unexpected character");

    Response ours =
        new JsonProcessingExceptionMapper()
            .toResponse(
                InvalidDefinitionException.from(
                    (com.fasterxml.jackson.core.JsonParser) null,
                    "no serializer",
                    (JavaType) null));
    assertProblem(ours, 500, Problem.ABOUT_BLANK, null);
    assertThat(((Problem) ours.getEntity()).detail()).doesNotContain("serializer");
  }

  @Test
  void serverErrorsNeverShowTheirMessage() {
    Response internal =
        new CatchAllExceptionMapper().toResponse(new NullPointerException("db password"));
    assertProblem(internal, 500, Problem.ABOUT_BLANK, null);
    assertThat(((Problem) internal.getEntity()).detail())
        .doesNotContain("password")
        .contains("logged");

    Response webInternal =
        new WebApplicationExceptionMapper()
            .toResponse(new WebApplicationException("db password", 503));
    assertProblem(webInternal, 503, Problem.ABOUT_BLANK, null);
    assertThat(((Problem) webInternal.getEntity()).detail()).doesNotContain("password");
  }

  @Test
  void clientWebErrorsKeepTheirMessageAndHeaders() {
    Response original = Response.status(429).header("Retry-After", "5").build();
    Response mapped =
        new WebApplicationExceptionMapper()
            .toResponse(new WebApplicationException("slow down", original));
    assertProblem(mapped, 429, Problem.ABOUT_BLANK, "slow down");
    assertThat(mapped.getHeaderString("Retry-After")).isEqualTo("5");
    assertThat(((Problem) mapped.getEntity()).title()).isEqualTo("Too Many Requests");
  }

  private static void assertProblem(Response response, int status, String type, String detail) {
    assertThat(response.getStatus()).isEqualTo(status);
    assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
    Problem problem = (Problem) response.getEntity();
    assertThat(problem.status()).isEqualTo(status);
    assertThat(problem.type()).isEqualTo(type);
    assertThat(problem.title()).isNotBlank();
    if (detail != null) {
      assertThat(problem.detail()).isEqualTo(detail);
    }
  }
}
