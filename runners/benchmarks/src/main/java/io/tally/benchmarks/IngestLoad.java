package io.tally.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Events sent the way clients send them: NDJSON batches to {@code POST /v1/events} with an API key.
 * Either open loop (a fixed rate, each batch at its scheduled time, over a few connections) or
 * saturating (every connection sends its next batch as soon as the last is answered).
 */
final class IngestLoad {
  /** Categories of the load; the probes use categories of their own. */
  private static final int CATEGORIES = 100;

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI events;
  private final String apiKey;
  private final String idPrefix;
  private final AtomicLong nextId = new AtomicLong();

  /** What a load achieved. */
  record Result(long accepted, long refused, double seconds, long behindScheduleMillis) {
    double acceptedPerSecond() {
      return accepted / seconds;
    }
  }

  IngestLoad(HttpClient http, URI base, String apiKey, String idPrefix) {
    this.http = http;
    this.events = base.resolve("/v1/events");
    this.apiKey = apiKey;
    this.idPrefix = idPrefix;
  }

  /**
   * {@code rate} events per second for {@code seconds}, in 100 batches a second, batch {@code i}
   * sent by connection {@code i % connections} at its scheduled time or as soon as that connection
   * is free. {@code behindScheduleMillis} is how late the latest batch left: far above the batch
   * interval means this machine could not offer the load.
   */
  Result openLoop(int rate, int seconds, int connections) throws InterruptedException {
    int batchesPerSecond = Math.min(100, rate);
    int batchSize = Math.max(1, rate / batchesPerSecond);
    long batches = (long) batchesPerSecond * seconds;
    double intervalNanos = 1e9 / batchesPerSecond;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong behind = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int k = 0; k < Math.min(connections, batches); k++) {
      int first = k;
      senders.add(
          startThread(
              "ingest-load-" + k,
              () -> {
                for (long i = first; i < batches; i += connections) {
                  long scheduled = start + (long) (i * intervalNanos);
                  parkUntil(scheduled);
                  behind.accumulateAndGet(System.nanoTime() - scheduled, Math::max);
                  if (!send(batchSize, accepted, refused)) {
                    return;
                  }
                }
              }));
    }
    for (Thread sender : senders) {
      sender.join();
    }
    return new Result(
        accepted.get(),
        refused.get(),
        (System.nanoTime() - start) / 1e9,
        TimeUnit.NANOSECONDS.toMillis(behind.get()));
  }

  /** As many events as {@code connections} connections can send for {@code seconds}. */
  Result saturate(int seconds, int connections, int batchSize) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int k = 0; k < connections; k++) {
      senders.add(
          startThread(
              "ingest-saturate-" + k,
              () -> {
                while (System.nanoTime() < end) {
                  if (!send(batchSize, accepted, refused)) {
                    return;
                  }
                }
              }));
    }
    for (Thread sender : senders) {
      sender.join();
    }
    return new Result(accepted.get(), refused.get(), (System.nanoTime() - start) / 1e9, 0);
  }

  /** One batch; false when interrupted. Anything but 202 counts its events as refused. */
  private boolean send(int batchSize, AtomicLong accepted, AtomicLong refused) {
    try {
      HttpResponse<Void> answer =
          http.send(request(batch(batchSize)), HttpResponse.BodyHandlers.discarding());
      (answer.statusCode() == 202 ? accepted : refused).addAndGet(batchSize);
      return true;
    } catch (IOException e) {
      refused.addAndGet(batchSize);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  HttpRequest request(String ndjson) {
    return HttpRequest.newBuilder(events)
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(ndjson))
        .build();
  }

  private String batch(int size) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String ts = Instant.now().toString();
    StringBuilder body = new StringBuilder(size * 160);
    for (int i = 0; i < size; i++) {
      int category = random.nextInt(CATEGORIES);
      body.append(
          event(
              idPrefix + nextId.incrementAndGet(),
              "load/c" + category,
              ts,
              "entity-" + random.nextInt(1_000),
              "user-" + random.nextInt(100_000)));
    }
    return body.toString();
  }

  /** One NDJSON line of the event contract. */
  static String event(String id, String category, String ts, String entity, String user) {
    return "{\"id\":\""
        + id
        + "\",\"source\":\"freshness-benchmark\",\"type\":\"view\",\"category\":\""
        + category
        + "\",\"ts\":\""
        + ts
        + "\",\"entity\":\""
        + entity
        + "\",\"user\":\""
        + user
        + "\",\"geo\":\"US-CA\"}\n";
  }

  static Thread startThread(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.start();
    return thread;
  }

  static void parkUntil(long nanoTime) {
    for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }
}
