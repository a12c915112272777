package io.tally.serving.errors;

import io.tally.serving.api.Problem;
import io.tally.tiering.rules.RuleLogUnavailableException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule log did not take or confirm a change: 503 with {@code Retry-After}. The change may still
 * take effect; a client retrying with {@code If-Match} learns which with a 412.
 */
@Provider
public class RuleLogUnavailableExceptionMapper
    implements ExceptionMapper<RuleLogUnavailableException> {
  private static final Logger LOG =
      LoggerFactory.getLogger(RuleLogUnavailableExceptionMapper.class);

  @Override
  public Response toResponse(RuleLogUnavailableException e) {
    LOG.warn("rule change failed: {} ({})", e.getMessage(), String.valueOf(e.getCause()));
    return Response.fromResponse(
            Problems.of(
                Problem.RULE_LOG_UNAVAILABLE,
                503,
                "Rule log unavailable",
                "The change was not confirmed by the rule log in time; it may still take effect."
                    + " Read the metric before trying again."))
        .header(HttpHeaders.RETRY_AFTER, 1)
        .build();
  }
}
