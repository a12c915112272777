package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Dashboard query latency: {@code GET /v1/metrics/{name}/windows} for the last ten minutes of one
 * category, at a fixed rate, against the one-process mode (run-embedded) in a process of its own
 * while its synthetic source feeds it. The load is open: each query has a scheduled send time
 * ({@code rate} per second over {@code connections} connections) and its latency counts from that
 * time, so a slow answer delays the queries behind it and that delay is measured, not hidden.
 */
@Command(
    name = "query-benchmark",
    mixinStandardHelpOptions = true,
    description = "Query latency of the service at a fixed rate of /windows queries.")
public final class QueryBenchmark implements Callable<Integer> {
  /** Categories and metrics the synthetic source and the default definitions always have. */
  private static final List<String> CATEGORIES =
      List.of(
          "movies/action",
          "sports/nba",
          "tickets/concerts",
          "movies/comedy",
          "sports/nfl",
          "tickets/theater",
          "movies/drama",
          "sports/mlb",
          "tickets/festivals",
          "movies/horror");

  private static final List<String> METRICS =
      List.of("events_by_category", "top_entities_by_category");

  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

  @Option(names = "--rate", defaultValue = "5000", description = "Queries per second.")
  int rate;

  @Option(names = "--connections", defaultValue = "50", description = "Connections in use.")
  int connections;

  @Option(names = "--seconds", defaultValue = "15", description = "Length of a measured run.")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5", description = "Unmeasured first load.")
  int warmupSeconds;

  @Option(names = "--runs", defaultValue = "3", description = "Measured runs.")
  int runs;

  @Option(
      names = "--events-rate",
      defaultValue = "2000",
      description = "Synthetic events per second the service aggregates meanwhile.")
  int eventsRate;

  @Option(
      names = "--port",
      defaultValue = "18380",
      description = "The service's port; its admin port is the next one.")
  int port;

  @Option(names = "--table", description = "Also print markdown rows for bin/benchmarks.")
  boolean table;

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueryBenchmark()).execute(args));
  }

  /** The figures of one run. */
  record Run(double p50Ms, double p99Ms, double maxMs, double queriesPerSecond, long errors) {}

  @Override
  public Integer call() throws Exception {
    Path out = Path.of("target", "benchmarks");
    Files.createDirectories(out);
    Path log = out.resolve("query-benchmark-service.log");
    Process service = startService(log);
    try {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      awaitWindows(client, service, log);
      System.out.printf(
          Locale.ROOT,
          "query benchmark: %,d queries/s over %d connections (open loop), %d s per run, %d"
              + " runs; service: run-embedded with %,d events/s%n",
          rate,
          connections,
          seconds,
          runs,
          eventsRate);
      measure(client, warmupSeconds);
      List<Run> results = new ArrayList<>();
      for (int r = 1; r <= runs; r++) {
        Run run = measure(client, seconds);
        results.add(run);
        System.out.printf(
            Locale.ROOT,
            "run %d: %,.0f queries/s, P50 %.2f ms, P99 %.2f ms, max %.2f ms, %d errors%n",
            r,
            run.queriesPerSecond(),
            run.p50Ms(),
            run.p99Ms(),
            run.maxMs(),
            run.errors());
      }
      List<Double> p50 = results.stream().map(Run::p50Ms).toList();
      List<Double> p99 = results.stream().map(Run::p99Ms).toList();
      List<Double> achieved = results.stream().map(Run::queriesPerSecond).toList();
      long errors = results.stream().mapToLong(Run::errors).sum();
      System.out.printf(
          Locale.ROOT,
          "median: %,.0f queries/s, P50 %.2f ms, P99 %.2f ms; %d errors in all runs%n",
          Stats.median(achieved),
          Stats.median(p50),
          Stats.median(p99),
          errors);
      if (table) {
        String note =
            String.format(
                Locale.ROOT, "%,.0f queries/s achieved, %d errors", Stats.median(achieved), errors);
        String load = String.format(Locale.ROOT, "queries, /windows at %,d/s", rate);
        BenchmarkTable.print(load, "latency P50 (ms)", p50, "%.2f", note);
        BenchmarkTable.print(load, "latency P99 (ms)", p99, "%.2f", note);
      }
      return errors == 0 ? 0 : 1;
    } finally {
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
  }

  /**
   * The one-process mode with the JVM flags of this one. No request log (it would measure the
   * console), and a per-client query limit far above the rate: this client is one client, and the
   * default limit would answer most queries with 429.
   */
  private Process startService(Path log) throws IOException {
    ProcessBuilder service =
        JavaProcess.builder(
            "2g",
            List.of("-Ddw.queryLimits.requestsPerSecond=1000000", "-Ddw.queryLimits.burst=1000000"),
            "io.tally.runners.embedded.EmbeddedMain",
            List.of("--port=" + port, "--admin-port=" + (port + 1), "--rate=" + eventsRate),
            log);
    service.environment().put("TALLY_REQUEST_LOG_APPENDERS", "[]");
    return service.start();
  }

  /** Ready once a query finds windows of a category the source always has. */
  private void awaitWindows(HttpClient client, Process service, Path log) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException("the service exited; see " + log);
      }
      try {
        HttpResponse<String> answer =
            client.send(query(1, System.currentTimeMillis()), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && answer.body().contains("\"start\"")) {
          return;
        }
      } catch (IOException notYet) {
        // The port is not open yet.
      }
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
    }
    throw new IllegalStateException(
        "no windows within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
  }

  /**
   * {@code rate * seconds} queries; connection {@code k} sends queries {@code k, k + connections,
   * ...}, each at its scheduled time or, when the connection is still busy, as soon as it is free.
   */
  private Run measure(HttpClient client, int runSeconds) throws InterruptedException {
    long total = (long) rate * runSeconds;
    double intervalNanos = 1e9 / rate;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    AtomicLong errors = new AtomicLong();
    AtomicLong lastDone = new AtomicLong(start);
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int k = 0; k < Math.min(connections, total); k++) {
      Histogram micros = Stats.latencyMicros();
      histograms.add(micros);
      int first = k;
      Thread sender =
          new Thread(
              () -> {
                for (long i = first; i < total; i += connections) {
                  long scheduled = start + (long) (i * intervalNanos);
                  for (long wait = scheduled - System.nanoTime();
                      wait > 0;
                      wait = scheduled - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                  }
                  try {
                    int status =
                        client
                            .send(
                                query(i, System.currentTimeMillis()),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status != 200) {
                      errors.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  long done = System.nanoTime();
                  micros.recordValue(Math.max(0, (done - scheduled) / 1_000));
                  lastDone.accumulateAndGet(done, Math::max);
                }
              },
              "query-benchmark-" + k);
      senders.add(sender);
      sender.start();
    }
    for (Thread sender : senders) {
      sender.join();
    }
    Histogram all = Stats.latencyMicros();
    histograms.forEach(all::add);
    double elapsedSeconds = (lastDone.get() - start) / 1e9;
    return new Run(
        Stats.millis(all, 50),
        Stats.millis(all, 99),
        Stats.millis(all, 100),
        total / elapsedSeconds,
        errors.get());
  }

  /** The {@code i}-th query: the last ten minutes (and the next one) of one category. */
  private HttpRequest query(long i, long nowMillis) {
    String path =
        String.format(
            Locale.ROOT,
            "/v1/metrics/%s/windows?from=%d&to=%d&category=%s",
            METRICS.get((int) (i % METRICS.size())),
            nowMillis - 600_000,
            nowMillis + 60_000,
            CATEGORIES.get((int) (i % CATEGORIES.size())));
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(QUERY_TIMEOUT)
        .GET()
        .build();
  }
}
