package io.tally.serving.errors;

import io.tally.serving.api.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Builds {@code application/problem+json} responses for the mappers. */
final class Problems {
  static final String INTERNAL_DETAIL =
      "The server could not answer this request. It has been logged with id %016x.";
  private static final Set<String> NOT_COPIED =
      Set.of(
          HttpHeaders.CONTENT_TYPE.toLowerCase(),
          HttpHeaders.CONTENT_LENGTH.toLowerCase(),
          HttpHeaders.CONTENT_ENCODING.toLowerCase());

  private Problems() {}

  /** A plain HTTP error: type {@code about:blank}, title the status phrase. */
  static Response of(int status, String detail) {
    return of(Problem.ABOUT_BLANK, status, title(status), detail, null);
  }

  static Response of(String type, int status, String title, String detail) {
    return of(type, status, title, detail, null);
  }

  /** Keeps the headers of {@code original} (Allow, Retry-After, ...) but not its body. */
  static Response of(String type, int status, String title, String detail, Response original) {
    Response.ResponseBuilder builder = Response.status(status);
    if (original != null) {
      MultivaluedMap<String, Object> headers = original.getHeaders();
      for (Map.Entry<String, List<Object>> header : headers.entrySet()) {
        if (!NOT_COPIED.contains(header.getKey().toLowerCase())) {
          for (Object value : header.getValue()) {
            builder.header(header.getKey(), value);
          }
        }
      }
    }
    return builder
        .type(Problem.MEDIA_TYPE)
        .entity(new Problem(type, title, status, detail))
        .build();
  }

  static String title(int status) {
    Response.StatusType type = Response.Status.fromStatusCode(status);
    if (type != null) {
      return type.getReasonPhrase();
    }
    if (status == 422) {
      return "Unprocessable Content";
    }
    return status >= 500 ? "Server Error" : "Client Error";
  }

  static long newId() {
    return ThreadLocalRandom.current().nextLong();
  }
}
