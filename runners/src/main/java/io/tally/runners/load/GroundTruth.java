package io.tally.runners.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tally.pipelines.synthetic.SyntheticEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run of synthetic events sent, for checking what the pipeline counted: every distinct event
 * (by identity) is counted once, per category and, when a window size is given, per category and
 * tumbling window of that size.
 *
 * <p>Late events (older than the generator's disorder bound) are tallied apart: whether they count
 * depends on each metric's allowed lateness, so only the on-time figures are exact expectations for
 * every metric.
 */
public final class GroundTruth {
  private long sent;
  private long distinct;
  private long late;
  private final Map<String, Long> distinctByCategory = new TreeMap<>();
  private final Map<String, Long> lateByCategory = new TreeMap<>();
  private final long windowMillis;

  /** category → window start → distinct on-time events; empty without a window size. */
  private final Map<String, Map<Long, Long>> byWindow = new TreeMap<>();

  /**
   * @param windowMillis tumbling window size for {@link #byWindow}; 0 for none
   */
  public GroundTruth(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  /** Records one event sent. */
  public synchronized void add(SyntheticEvent event) {
    sent++;
    if (event.duplicate()) {
      return;
    }
    distinct++;
    distinctByCategory.merge(event.category(), 1L, Long::sum);
    if (event.late()) {
      late++;
      lateByCategory.merge(event.category(), 1L, Long::sum);
    }
    if (windowMillis > 0 && !event.late()) {
      long start = Math.floorDiv(event.timestampMillis(), windowMillis) * windowMillis;
      byWindow.computeIfAbsent(event.category(), c -> new TreeMap<>()).merge(start, 1L, Long::sum);
    }
  }

  /** Adds everything {@code other} recorded (the parts of a run sent apart). */
  public synchronized void addAll(GroundTruth other) {
    synchronized (other) {
      sent += other.sent;
      distinct += other.distinct;
      late += other.late;
      other.distinctByCategory.forEach((k, v) -> distinctByCategory.merge(k, v, Long::sum));
      other.lateByCategory.forEach((k, v) -> lateByCategory.merge(k, v, Long::sum));
      other.byWindow.forEach(
          (c, windows) ->
              windows.forEach(
                  (s, n) ->
                      byWindow.computeIfAbsent(c, x -> new TreeMap<>()).merge(s, n, Long::sum)));
    }
  }

  public synchronized long sent() {
    return sent;
  }

  public synchronized long distinct() {
    return distinct;
  }

  public synchronized long late() {
    return late;
  }

  /** Distinct events per category, late ones included. */
  public synchronized Map<String, Long> distinctByCategory() {
    return new TreeMap<>(distinctByCategory);
  }

  /** Distinct on-time events per category. */
  public synchronized Map<String, Long> onTimeByCategory() {
    Map<String, Long> onTime = new TreeMap<>(distinctByCategory);
    lateByCategory.forEach((k, v) -> onTime.merge(k, -v, Long::sum));
    onTime.values().removeIf(v -> v == 0);
    return onTime;
  }

  /** Distinct on-time events per category and window start (empty without a window size). */
  public synchronized Map<String, Map<Long, Long>> byWindow() {
    Map<String, Map<Long, Long>> copy = new TreeMap<>();
    byWindow.forEach((c, w) -> copy.put(c, new TreeMap<>(w)));
    return copy;
  }

  /** The truth as JSON, as {@code --truth-file} holds it. */
  public synchronized Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("eventsSent", sent);
    out.put("distinctEvents", distinct);
    out.put("duplicates", sent - distinct);
    out.put("lateDistinctEvents", late);
    out.put("distinctByCategory", distinctByCategory());
    out.put("onTimeDistinctByCategory", onTimeByCategory());
    if (windowMillis > 0) {
      out.put("windowMillis", windowMillis);
      out.put("onTimeDistinctByCategoryAndWindow", byWindow());
    }
    return out;
  }

  /** Writes {@code header} (e.g. the generator's seed) followed by {@link #toMap} as JSON. */
  public void writeJson(Path file, Map<String, Object> header) {
    Map<String, Object> json = new LinkedHashMap<>(header);
    json.putAll(toMap());
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
