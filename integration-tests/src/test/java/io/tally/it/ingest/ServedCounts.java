package io.tally.it.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the query API serves for a count per category, compared with what was sent: every window
 * final, each holding exactly the expected events, and no other window.
 */
public final class ServedCounts {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServedCounts() {}

  /** The key of a window in {@code expected}: its start in epoch millis, a space, the category. */
  public static String key(long windowStart, String category) {
    return windowStart + " " + category;
  }

  /**
   * Waits until {@code metric} (a count grouped by category) answers, over {@code [from, to)}, only
   * final windows, equal to {@code expected} (see {@link #key}).
   */
  public static void awaitFinalCountsEqual(
      int port, String metric, long from, long to, Map<String, Long> expected) {
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                HttpResponse<String> response =
                    HTTP.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://localhost:"
                                        + port
                                        + "/v1/metrics/"
                                        + metric
                                        + "/windows?from="
                                        + from
                                        + "&to="
                                        + to))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                Map<String, Long> finals = new TreeMap<>();
                int open = 0;
                for (JsonNode w : JSON.readTree(response.body()).get("windows")) {
                  String key =
                      key(
                          Instant.parse(w.get("start").asText()).toEpochMilli(),
                          w.get("group").get("category").asText());
                  assertThat(w.get("value").asLong()).isEqualTo(w.get("events").asLong());
                  if (w.get("final").asBoolean()) {
                    finals.put(key, w.get("events").asLong());
                  } else {
                    open++;
                  }
                }
                last.set(
                    finals.size()
                        + " final windows, "
                        + open
                        + " open; expected "
                        + expected.size()
                        + "; differing: "
                        + difference(expected, finals));
                return open == 0 && finals.equals(expected);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "the served counts never equalled the events sent: " + last.get(), e);
    }
  }

  private static String difference(Map<String, Long> expected, Map<String, Long> served) {
    Map<String, String> diff = new TreeMap<>();
    expected.forEach(
        (k, v) -> {
          if (!v.equals(served.get(k))) {
            diff.put(k, v + " != " + served.get(k));
          }
        });
    served.keySet().stream()
        .filter(k -> !expected.containsKey(k))
        .forEach(k -> diff.put(k, "unexpected " + served.get(k)));
    return diff.size() > 10
        ? diff.size() + " windows, e.g. " + diff.entrySet().stream().limit(10).toList()
        : diff.toString();
  }
}
