package io.tally.benchmarks;

import io.tally.benchmarks.report.Stats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;

/**
 * Freshness of the probe category: the delay from sending its n-th probe of a window to the first
 * update of that window that counts n events, wherever updates are watched (the change feed, a
 * serving node's hot tier). One key keeps its order in a partition, so an update with {@code events
 * = n} is the first to include the n-th probe.
 */
final class ProbeDelays {
  /** Window start -> send times (nanos) of its probes, in order; shared by every watcher. */
  static final class Sent {
    private final Map<Long, List<Long>> byWindow = new ConcurrentHashMap<>();
    private volatile long measureFromNanos = Long.MAX_VALUE;

    void add(long windowStart, long sentNanos) {
      byWindow.computeIfAbsent(windowStart, w -> new CopyOnWriteArrayList<>()).add(sentNanos);
    }

    /** Probes sent before this are warm-up: their delays are not recorded. */
    void measureFrom(long nanos) {
      measureFromNanos = nanos;
    }
  }

  private final Sent sent;
  private final Histogram micros = Stats.latencyMicros();
  private final Map<Long, Long> seenEvents = new HashMap<>();

  ProbeDelays(Sent sent) {
    this.sent = sent;
  }

  /** An update of the probe category's window {@code windowStart}, seen at {@code seenNanos}. */
  synchronized void updated(long windowStart, long events, long seenNanos) {
    if (events <= seenEvents.getOrDefault(windowStart, 0L)) {
      return; // no newer probe in it (e.g. the on-time or final pane)
    }
    seenEvents.put(windowStart, events);
    List<Long> probes = sent.byWindow.get(windowStart);
    if (probes == null || events > probes.size()) {
      return;
    }
    long sentAt = probes.get((int) (events - 1));
    if (sentAt >= sent.measureFromNanos) {
      micros.recordValue(Math.max(0, (seenNanos - sentAt) / 1_000));
    }
  }

  synchronized Histogram histogram() {
    return micros.copy();
  }
}
