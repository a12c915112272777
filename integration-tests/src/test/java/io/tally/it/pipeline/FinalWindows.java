package io.tally.it.pipeline;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The final per-category window counts on a change-feed topic, compared with what was sent: what
 * proves that a job interrupted and resumed lost nothing and counted nothing twice.
 */
final class FinalWindows {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The one metric these tests check: a count per category over 2-second windows, no lateness. */
  static final String COUNT_BY_CATEGORY =
      """
      metrics:
        - name: count_by_category
          groupBy: [category]
          aggregate: { fn: count }
          window: { size: 2s }
          allowedLateness: 0s
      """;

  private FinalWindows() {}

  /**
   * Waits until the newest update of every window on {@code feed} is final and its {@code events}
   * equal {@code byWindow} (category → window start → distinct events), and no other window is
   * there.
   */
  static void awaitEqual(String feed, Map<String, Map<Long, Long>> byWindow) {
    Map<String, Long> expected = new TreeMap<>();
    byWindow.forEach((c, windows) -> windows.forEach((s, n) -> expected.put(key(s, c), n)));
    AtomicReference<String> last = new AtomicReference<>("nothing read yet");
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                Map<String, JsonNode> latest = latestPerWindow(feed);
                Map<String, Long> finals = new TreeMap<>();
                latest.forEach(
                    (k, u) -> {
                      if (u.get("final").asBoolean()) {
                        finals.put(k, u.get("events").asLong());
                      }
                    });
                last.set(
                    latest.size()
                        + " windows, "
                        + finals.size()
                        + " final; expected "
                        + expected.size()
                        + "; differing: "
                        + difference(expected, finals));
                return finals.equals(expected) && latest.size() == expected.size();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("final windows never equalled the truth: " + last.get(), e);
    }
  }

  /** Per window, the update with the most events (a final one among equals): what readers keep. */
  private static Map<String, JsonNode> latestPerWindow(String feed) throws Exception {
    Map<String, JsonNode> latest = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : KafkaRecords.readAll(feed)) {
      JsonNode u = JSON.readTree(record.value());
      String k =
          key(
              Instant.parse(u.get("start").asText()).toEpochMilli(),
              u.get("group").get("category").asText());
      JsonNode before = latest.get(k);
      if (before == null
          || u.get("events").asLong() > before.get("events").asLong()
          || (u.get("events").asLong() == before.get("events").asLong()
              && u.get("final").asBoolean())) {
        latest.put(k, u);
      }
    }
    return latest;
  }

  private static String difference(Map<String, Long> expected, Map<String, Long> actual) {
    Map<String, String> diff = new TreeMap<>();
    expected.forEach(
        (k, v) -> {
          if (!v.equals(actual.get(k))) {
            diff.put(k, v + " != " + actual.get(k));
          }
        });
    actual.keySet().stream()
        .filter(k -> !expected.containsKey(k))
        .forEach(k -> diff.put(k, "unexpected " + actual.get(k)));
    return diff.size() > 10
        ? diff.size() + " windows, e.g. " + diff.entrySet().stream().limit(10).toList()
        : diff.toString();
  }

  private static String key(long start, String category) {
    return start + " " + category;
  }
}
