package io.tally.serving.errors;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import io.tally.serving.api.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jackson errors: a request body that is not valid JSON or does not fit its type is a 400; a
 * failure to write JSON, or a type Jackson cannot handle at all, is our fault (500, logged).
 */
@Provider
public class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {
  private static final Logger LOG = LoggerFactory.getLogger(JsonProcessingExceptionMapper.class);

  @Override
  public Response toResponse(JsonProcessingException e) {
    if (e instanceof JsonGenerationException || e instanceof InvalidDefinitionException) {
      long id = Problems.newId();
      LOG.error(String.format("Error handling a request: %016x", id), e);
      return Problems.of(500, String.format(Problems.INTERNAL_DETAIL, id));
    }
    LOG.debug("Unable to process JSON", e);
    String message = e.getOriginalMessage();
    return Problems.of(
        Problem.INVALID_BODY,
        400,
        "Invalid JSON",
        "The request body is not valid JSON for this request"
            + (message == null ? "." : ": " + firstLine(message)));
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() <= 300 ? line : line.substring(0, 297) + "...";
  }
}
