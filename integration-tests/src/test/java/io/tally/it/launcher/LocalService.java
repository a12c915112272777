package io.tally.it.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** What the launcher tests do with a service they started on 127.0.0.1. */
final class LocalService {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  private LocalService() {}

  /** NDJSON of {@code movie.view} events of source {@code it}, one per id, at {@code ts}. */
  static String events(String category, long ts, List<String> ids) {
    StringBuilder body = new StringBuilder();
    for (String id : ids) {
      body.append(
              String.format(
                  "{\"id\": \"%s\", \"source\": \"it\", \"type\": \"movie.view\","
                      + " \"category\": \"%s\", \"ts\": %d}",
                  id, category, ts))
          .append('\n');
    }
    return body.toString();
  }

  static HttpResponse<String> postEvents(int port, String key, String ndjson) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(ndjson))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The windows URL of events_by_category for {@code category}, two minutes either side. */
  static String countsOf(int port, String category, long around) {
    return "http://127.0.0.1:"
        + port
        + "/v1/metrics/events_by_category/windows?from="
        + (around - 120_000)
        + "&to="
        + (around + 120_000)
        + "&category="
        + category;
  }

  /** The events counted over every window of a {@code /windows} answer. */
  static long counted(String answer) throws IOException {
    long events = 0;
    for (JsonNode window : JSON.readTree(answer).get("windows")) {
      events += window.get("events").asLong();
    }
    return events;
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
