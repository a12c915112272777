package io.tally.serving.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.serving.api.Problem;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers before or outside Jersey (a malformed URI, a method that Dropwizard's
 * allowed-methods filter refuses, ...) as problem documents too, whatever the client accepts. Never
 * shows causes or stack traces.
 */
public class ProblemErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every method gets a problem body (Jetty's default is GET, POST and HEAD only); HEAD none. */
  @Override
  public boolean errorPageForMethod(String method) {
    return !"HEAD".equalsIgnoreCase(method);
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String title = Problems.title(code);
    String detail;
    if (code >= 500) {
      detail = "The server could not answer this request.";
    } else if (message == null
        || message.isBlank()
        || message.equals(title)
        || message.equals(HttpStatus.getMessage(code))
        || message.equals(Integer.toString(code))) {
      detail = title + ".";
    } else {
      detail = message;
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(new Problem(Problem.ABOUT_BLANK, title, code, detail));
    } catch (JsonProcessingException e) {
      callback.failed(e);
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
