package io.tally.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.benchmarks.report.Stats;
import io.tally.runners.load.SseStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Probes of one category of their own, each one event sent alone, and where each was seen: its
 * {@code 202}, the change-feed record that first counts it (the record's create time is when the
 * job's producer sent it; this process's consumer sees it a little later), and the message of the
 * metric's SSE stream that first counts it. A window's {@code events} only grow, so the first
 * update with {@code events >= n} is the first to include the window's n-th probe, even when one
 * update counts several. Times across processes are wall-clock milliseconds (one machine, one
 * clock); the end-to-end delay is measured on this process's monotonic clock.
 */
final class ProbeTrace {
  static final String METRIC = "events_by_category";
  private static final long WINDOW_MILLIS = 60_000; // events_by_category's window size
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One probe; fields are set as it is seen, {@code 0} until then. */
  static final class Probe {
    final long postNanos;
    final long postWall;
    final boolean measured;
    volatile long ackWall;
    volatile long feedCreatedWall;
    volatile long feedSeenWall;
    volatile long sseNanos;

    Probe(long postNanos, long postWall, boolean measured) {
      this.postNanos = postNanos;
      this.postWall = postWall;
      this.measured = measured;
    }
  }

  final String category;
  private final Map<Long, List<Probe>> byWindow = new ConcurrentHashMap<>();
  private final List<Probe> all = new ArrayList<>();
  private final List<Long> updateNanos = new ArrayList<>();
  private volatile boolean measuring;
  private SseStream.Opened stream;

  ProbeTrace(String category) {
    this.category = category;
  }

  /** Follows the metric's SSE stream of the probe category; returns once the stream is open. */
  void follow(HttpClient http, URI base) throws Exception {
    URI uri =
        base.resolve(
            "/v1/metrics/"
                + METRIC
                + "/stream?category="
                + URLEncoder.encode(category, StandardCharsets.UTF_8));
    stream =
        SseStream.open(
            http,
            uri,
            null,
            message -> {
              if ("window".equals(message.event())) {
                long now = System.nanoTime();
                try {
                  JsonNode update = JSON.readTree(message.data());
                  sseUpdate(startOf(update), update.path("events").asLong(), now);
                } catch (IOException e) {
                  throw new IllegalStateException("unreadable stream message " + message, e);
                }
              }
            });
    HttpResponse.ResponseInfo info = stream.headers().get(30, TimeUnit.SECONDS);
    if (info.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + info.statusCode());
    }
  }

  /** Probes sent from now on count in the figures; those before were warm-up. */
  void measure() {
    measuring = true;
  }

  /** Sends one probe and waits for its answer. */
  void send(HttpClient http, IngestLoad load) throws IOException, InterruptedException {
    long postWall = System.currentTimeMillis();
    Probe probe = new Probe(System.nanoTime(), postWall, measuring);
    add(probe);
    String line =
        IngestLoad.event(
            "probe-" + category + "-" + postWall + "-" + probe.postNanos,
            category,
            Instant.ofEpochMilli(postWall).toString(),
            "probe",
            "probe");
    int status = http.send(load.request(line), HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status != 202) {
      throw new IllegalStateException("a probe was refused: " + status);
    }
    probe.ackWall = System.currentTimeMillis();
  }

  /** Follows {@code probe} from now on. */
  synchronized void add(Probe probe) {
    all.add(probe);
    long window = probe.postWall / WINDOW_MILLIS * WINDOW_MILLIS;
    byWindow.computeIfAbsent(window, w -> new ArrayList<>()).add(probe);
  }

  /** A change-feed record of this category (called by the feed watcher). */
  void feedUpdate(JsonNode update, long createdWall, long seenWall) {
    for (Probe probe : counted(startOf(update), update.path("events").asLong())) {
      if (probe.feedCreatedWall == 0) {
        probe.feedCreatedWall = createdWall;
        probe.feedSeenWall = seenWall;
      }
    }
  }

  private void sseUpdate(long window, long events, long nanos) {
    synchronized (this) {
      if (measuring) {
        updateNanos.add(nanos);
      }
    }
    for (Probe probe : counted(window, events)) {
      if (probe.sseNanos == 0) {
        probe.sseNanos = nanos;
      }
    }
  }

  /** The probes of {@code window} that an update counting {@code events} includes. */
  private synchronized List<Probe> counted(long window, long events) {
    List<Probe> probes = byWindow.getOrDefault(window, List.of());
    return List.copyOf(probes.subList(0, (int) Math.min(events, probes.size())));
  }

  /** Whether the change feed has counted every probe. */
  synchronized boolean feedSeenAll() {
    return all.stream().allMatch(p -> p.feedCreatedWall != 0);
  }

  /**
   * Whether the job keeps up: of the probes sent in the {@code lookbackNanos} before the last
   * {@code withinMillis} (each has had that long to arrive), at least half reached the stream
   * within {@code withinMillis}. False while there are none.
   */
  synchronized boolean keepingUp(long lookbackNanos, long withinMillis) {
    long within = TimeUnit.MILLISECONDS.toNanos(withinMillis);
    long until = System.nanoTime() - within;
    List<Probe> recent =
        all.stream()
            .filter(p -> p.postNanos > until - lookbackNanos && p.postNanos <= until)
            .toList();
    long inTime =
        recent.stream().filter(p -> p.sseNanos != 0 && p.sseNanos - p.postNanos <= within).count();
    return !recent.isEmpty() && inTime * 2 >= recent.size();
  }

  /** Whether every measured probe has reached the stream. */
  synchronized boolean allSeen() {
    return all.stream().filter(p -> p.measured).allMatch(p -> p.sseNanos != 0);
  }

  void close() {
    if (stream != null) {
      stream.close();
    }
  }

  /**
   * The figures of the measured probes; those whose path (from the POST to the SSE message) met one
   * of {@code checkpoints} also apart.
   */
  synchronized Figures figures(List<Checkpoint> checkpoints) {
    Histogram endToEnd = Stats.latencyMicros();
    Histogram meetingCheckpoint = Stats.latencyMicros();
    long over500MeetingCheckpoint = 0;
    Histogram ingest = Stats.latencyMicros();
    Histogram pipeline = Stats.latencyMicros();
    Histogram feed = Stats.latencyMicros();
    Histogram serving = Stats.latencyMicros();
    long sent = 0;
    long lost = 0;
    long over500 = 0;
    for (Probe p : all) {
      if (!p.measured) {
        continue;
      }
      sent++;
      if (p.sseNanos == 0) {
        lost++;
        continue;
      }
      long micros = (p.sseNanos - p.postNanos) / 1_000;
      endToEnd.recordValue(micros);
      boolean metCheckpoint =
          Checkpoint.anyOverlaps(checkpoints, p.postWall, p.postWall + micros / 1_000);
      if (metCheckpoint) {
        meetingCheckpoint.recordValue(micros);
      }
      if (micros > 500_000) {
        over500++;
        if (metCheckpoint) {
          over500MeetingCheckpoint++;
        }
      }
      if (p.feedCreatedWall != 0) {
        long sseWall = p.postWall + micros / 1_000;
        ingest.recordValue(Math.max(0, p.ackWall - p.postWall) * 1_000);
        pipeline.recordValue(Math.max(0, p.feedCreatedWall - p.ackWall) * 1_000);
        feed.recordValue(Math.max(0, p.feedSeenWall - p.feedCreatedWall) * 1_000);
        serving.recordValue(Math.max(0, sseWall - p.feedSeenWall) * 1_000);
      }
    }
    long longestGap = 0;
    for (int i = 1; i < updateNanos.size(); i++) {
      longestGap = Math.max(longestGap, updateNanos.get(i) - updateNanos.get(i - 1));
    }
    return new Figures(
        sent,
        lost,
        over500,
        endToEnd,
        TimeUnit.NANOSECONDS.toMillis(longestGap),
        new Stages(ingest, pipeline, feed, serving),
        new CheckpointShare(meetingCheckpoint, over500MeetingCheckpoint));
  }

  /**
   * Every probe as a line of CSV, in the order sent: when it was posted (wall clock), whether it
   * was measured, and its times in milliseconds (ingest ack, ack to change feed, feed to consumer,
   * end to end; empty where not seen), to line a slow probe up with the processes' logs.
   */
  synchronized void writeTimeline(Path file) throws IOException {
    StringBuilder csv = new StringBuilder("posted,measured,ack_ms,job_ms,feed_ms,total_ms\n");
    for (Probe p : all) {
      csv.append(Instant.ofEpochMilli(p.postWall))
          .append(',')
          .append(p.measured)
          .append(',')
          .append(p.ackWall == 0 ? "" : p.ackWall - p.postWall)
          .append(',')
          .append(p.feedCreatedWall == 0 || p.ackWall == 0 ? "" : p.feedCreatedWall - p.ackWall)
          .append(',')
          .append(p.feedSeenWall == 0 ? "" : p.feedSeenWall - p.feedCreatedWall)
          .append(',')
          .append(p.sseNanos == 0 ? "" : (p.sseNanos - p.postNanos) / 1_000_000)
          .append('\n');
    }
    Files.writeString(file, csv);
  }

  /** Where a probe's time went, each stage a histogram of microseconds. */
  record Stages(Histogram ingest, Histogram pipeline, Histogram feed, Histogram serving) {}

  /** The probes whose path met a checkpoint: their end-to-end delays, how many took over 500 ms. */
  record CheckpointShare(Histogram endToEndMicros, long over500Ms) {}

  /** What one phase's measured probes saw. */
  record Figures(
      long sent,
      long lost,
      long over500Ms,
      Histogram endToEndMicros,
      long longestGapMillis,
      Stages stages,
      CheckpointShare duringCheckpoints) {}

  private static long startOf(JsonNode update) {
    return Instant.parse(update.path("start").asText()).toEpochMilli();
  }
}
