package io.tally.it.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.it.ingest.KafkaRecords;
import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.support.ClickHouseServer;
import io.tally.it.support.KafkaBroker;
import io.tally.model.update.WindowUpdate;
import io.tally.runners.launch.Checkpoints;
import io.tally.serving.TallyConfiguration;
import io.tally.serving.TallyServer;
import io.tally.serving.config.HistoryFactory;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.WindowQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected while a client keeps posting events (with some duplicates) and retries what is
 * refused: the streaming job ({@code StreamingMain}, its own process on embedded Flink, writing
 * final windows to the ClickHouse history tier) is killed with {@code kill -9} three times and
 * restarted from its latest checkpoint, the Kafka broker is restarted, ClickHouse is stopped for 60
 * s, and the serving node is restarted (its view rebuilt from the change feed). After each fault,
 * the counts served equal the distinct events accepted so far, exactly; while ClickHouse is down,
 * answers that reach back to history say they lack it and the {@code history} health check fails;
 * at the end every window is final with exactly its events, in the hot tier and in history (each
 * window once), no read ever saw {@code events} go down, and nothing was dead-lettered.
 */
@ExtendWith({KafkaBroker.class, ClickHouseServer.class})
class FaultInjectionIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(FaultInjectionIT.class);
  private static final String METRIC = "count_by_category";

  /** How long ClickHouse is down while events keep coming. */
  private static final Duration HISTORY_OUTAGE = Duration.ofSeconds(60);

  private static final long WINDOW = 2_000;
  private static final long MAX_OFFSET = 400;

  /** The longest any one wait may take: a job process starts slowly on a busy 2-core machine. */
  private static final Duration PATIENCE = Duration.ofMinutes(5);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private PipelineRun run;
  private PostedEvents events;
  private final Map<String, Long> highest = new HashMap<>();
  private final List<String> decreases = new ArrayList<>();

  @BeforeEach
  void createRun() throws IOException {
    // Allowed lateness covers a client's retries while the broker or the serving node is down:
    // a batch keeps the event times it was made with.
    run =
        PipelineRun.create(
            "faults-it",
            dir,
            """
            metrics:
              - name: count_by_category
                groupBy: [category]
                aggregate: { fn: count }
                window: { size: 2s }
                allowedLateness: 30s
            """);
    events = new PostedEvents("faults-" + run.id(), WINDOW, MAX_OFFSET, 11);
  }

  @Test
  void killedJobsABrokerRestartAHistoryOutageAndAServingRestartLoseNothingAndCountNothingTwice()
      throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    List<String> args =
        run.jobArgs(
            "--checkpointDir=" + checkpoints,
            "--checkpointingInterval=1000",
            "--restoreFrom=latest",
            "--historyJdbcUrl=" + ClickHouseServer.jdbcUrl(),
            "--historyDatabase=" + DATABASE);
    run.createTopics(4);
    // The tables exist before the first query, so that history's answers are complete from the
    // start (the sink would create them with its first write).
    HistoryStore history =
        new ClickHouseHistoryStore(ClickHouseServer.config(DATABASE), MetricSpecs.none());
    history.createSchema();

    AtomicReference<StreamingProcess> job =
        new AtomicReference<>(StreamingProcess.start(dir.resolve("job-0.log"), args));
    run.startService(FaultInjectionIT::withHistory);
    int faults = 0;
    long started = System.currentTimeMillis();
    try {
      awaitNewCheckpoint(job.get(), checkpoints, Optional.empty());

      for (int kill = 1; kill <= 3; kill++) {
        int n = kill;
        duringTraffic(
            () -> {
              // Killed once it has checkpointed since it (re)started.
              Optional<Path> before = Checkpoints.latest(checkpoints);
              awaitNewCheckpoint(job.get(), checkpoints, before);
              job.get().kill();
              Path restoredFrom = Checkpoints.latest(checkpoints).orElseThrow();
              StreamingProcess restarted =
                  StreamingProcess.start(dir.resolve("job-" + n + ".log"), args);
              job.set(restarted);
              await()
                  .atMost(PATIENCE)
                  .pollInterval(Duration.ofMillis(200))
                  .until(
                      () -> restarted.output().contains("restored from") || !restarted.isAlive());
              assertThat(restarted.output()).contains(restoredFrom.getFileName().toString());
            });
        faults++;
        awaitCountsEqualTheTruth(false);
      }

      duringTraffic(
          () -> {
            KafkaBroker.stop();
            KafkaBroker.start();
          });
      faults++;
      awaitCountsEqualTheTruth(false);
      assertThat(job.get().isAlive()).as("the job survives a broker restart").isTrue();

      duringTraffic(
          () -> {
            ClickHouseServer.stop();
            awaitAnswersSayHistoryIsMissing(HISTORY_OUTAGE);
            ClickHouseServer.start();
          });
      faults++;
      awaitCountsEqualTheTruth(false);
      awaitAnswersIncludeHistory();
      assertThat(job.get().isAlive()).as("the job survives a history outage").isTrue();

      duringTraffic(run::restartService);
      faults++;

      awaitCountsEqualTheTruth(true);
      int inHistory = awaitHistoryEqualsTheTruth(history);
      assertThat(job.get().output())
          .as("the history sink kept its windows while ClickHouse was down, and wrote them after")
          .contains("windows kept to retry")
          .contains("written again after");
      assertThat(decreases).as("events never decrease between reads").isEmpty();
      assertThat(KafkaRecords.readAll(run.deadLetterTopic()))
          .as("nothing late, nothing invalid")
          .isEmpty();
      System.out.printf(
          "faults: %d injected (3 kill -9 of the job, 1 broker restart, 1 ClickHouse stop of %d s,"
              + " 1 serving restart) in %d s; %d distinct events and %d copies accepted, 0 lost,"
              + " 0 counted twice; %d final windows served and %d in history, each once%n",
          faults,
          HISTORY_OUTAGE.toSeconds(),
          (System.currentTimeMillis() - started) / 1000,
          events.distinct(),
          events.copies(),
          events.byWindowAndCategory().size(),
          inHistory);
    } finally {
      job.get().close();
      run.close();
      ClickHouseServer.start(); // whatever happened, leave the server running for the next class
    }
  }

  /** The service reads history from the database the job writes. */
  private static void withHistory(TallyConfiguration config) {
    HistoryFactory history = new HistoryFactory();
    history.setJdbcUrl(ClickHouseServer.jdbcUrl());
    history.setDatabase(DATABASE);
    // No hour of this run settles before it ends.
    history.setRollups(false);
    config.setHistory(history);
  }

  private static void awaitNewCheckpoint(
      StreamingProcess job, Path checkpoints, Optional<Path> before) {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !job.isAlive()
                    || (Checkpoints.latest(checkpoints).isPresent()
                        && !Checkpoints.latest(checkpoints).equals(before)));
    assertThat(job.isAlive()).as("the job is running").isTrue();
  }

  // --- the client

  interface Fault {
    void inject() throws Exception;
  }

  /**
   * Posts a batch every 250 ms, each retried until accepted (429, 503 and refused connections are
   * retried: events are de-duplicated by (source, id)), while the fault is injected; then a few
   * more batches once it is over.
   */
  private void duringTraffic(Fault fault) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger accepted = new AtomicInteger();
    CompletableFuture<Void> client =
        CompletableFuture.runAsync(
            () -> {
              long next = System.currentTimeMillis();
              while (!stop.get()) {
                long due = next;
                await()
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> System.currentTimeMillis() >= due);
                String body =
                    String.join("\n", events.nextBatch(40, System.currentTimeMillis())) + "\n";
                await()
                    .atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> post(body));
                accepted.incrementAndGet();
                next = System.currentTimeMillis() + 250;
              }
            });
    try {
      await().atMost(PATIENCE).until(() -> accepted.get() >= 3 || client.isDone());
      fault.inject();
      int after = accepted.get();
      await().atMost(PATIENCE).until(() -> accepted.get() >= after + 4 || client.isDone());
    } finally {
      stop.set(true);
      client.join();
    }
  }

  /** True once the batch is accepted; false for answers and failures worth retrying. */
  private boolean post(String body) {
    int port = run.service().port();
    if (port <= 0) {
      return false; // the node is closed, its successor not yet started
    }
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/events"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/x-ndjson")
                  .header("Authorization", TallyTestConfigs.AUTHORIZATION)
                  .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 429 || response.statusCode() == 503) {
        return false;
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      return true;
    } catch (IOException e) {
      return false; // the node is restarting
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- the answers

  /**
   * Polls until {@code mismatch} returns null (it returns what is still wrong otherwise); when
   * {@code wait} runs out, fails with {@code failure} and the last mismatch.
   */
  private static void awaitNoMismatch(
      ConditionFactory wait, String failure, Callable<String> mismatch) {
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    try {
      wait.until(
          () -> {
            last.set(mismatch.call());
            return last.get() == null;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(failure + ": " + last.get(), e);
    }
  }

  /**
   * Waits until the served count of every window and category equals its distinct events sent, with
   * no other window (and, when {@code requireFinal}, every window final).
   */
  private void awaitCountsEqualTheTruth(boolean requireFinal) {
    Map<String, Long> expected = expectedCounts();
    long from = events.windowStart(events.firstTs()) - WINDOW;
    long to = System.currentTimeMillis() + 60_000;
    awaitNoMismatch(
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsInstanceOf(IOException.class),
        "the counts never equalled the events sent",
        () -> {
          Map<String, Long> served = new TreeMap<>();
          int open = 0;
          for (JsonNode w : answer(from, to).get("windows")) {
            String key =
                Instant.parse(w.get("start").asText()).toEpochMilli()
                    + " "
                    + w.get("group").get("category").asText();
            long n = w.get("events").asLong();
            served.put(key, n);
            Long before = highest.put(key, n);
            if (before != null && n < before) {
              highest.put(key, before);
              decreases.add(key + ": " + before + " then " + n);
            }
            open += w.get("final").asBoolean() ? 0 : 1;
          }
          return served.equals(expected) && (!requireFinal || open == 0)
              ? null
              : difference(expected, served) + "; " + open + " windows not final";
        });
  }

  /**
   * For {@code outage}, every answer that reaches back to history is partial, still has the hot
   * tier's windows and says that history is unavailable, and the health check says so too.
   */
  private void awaitAnswersSayHistoryIsMissing(Duration outage) {
    awaitNoMismatch(
        await().during(outage).atMost(outage.plusSeconds(10)).pollInterval(Duration.ofSeconds(2)),
        "while ClickHouse was down an answer did not say so",
        () -> {
          String served = historyAsServed();
          return served.startsWith("partial=true windows=some history=unavailable: ")
                  && served.contains(" health=unhealthy: history tier unavailable")
              ? null
              : served;
        });
  }

  /** Once ClickHouse is back, answers that reach back to history are whole again. */
  private void awaitAnswersIncludeHistory() {
    awaitNoMismatch(
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsInstanceOf(IOException.class),
        "answers never included history again",
        () -> {
          String served = historyAsServed();
          return served.equals("partial=false windows=some history=available health=healthy")
              ? null
              : served;
        });
  }

  /**
   * Waits until history, read from ClickHouse, holds exactly the final windows sent: each window
   * and category once, with its distinct events; how many windows it holds.
   */
  private int awaitHistoryEqualsTheTruth(HistoryStore history) {
    Map<String, Long> expected = expectedCounts();
    awaitNoMismatch(
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)),
        "history never held exactly the windows sent",
        () -> {
          List<WindowUpdate> rows =
              history.windows(
                  Resolution.MINUTE, new WindowQuery(METRIC, 0, Long.MAX_VALUE, Map.of()));
          Map<String, Long> stored = new TreeMap<>();
          for (WindowUpdate w : rows) {
            if (w.isFinal()) {
              stored.put(w.startMillis() + " " + w.group().get(0), w.events());
            }
          }
          return rows.size() == expected.size() && stored.equals(expected)
              ? null
              : rows.size() + " rows; " + difference(expected, stored);
        });
    return expected.size();
  }

  /** "start category" → the distinct events sent in that window and category. */
  private Map<String, Long> expectedCounts() {
    Map<String, Long> expected = new TreeMap<>();
    events.byWindowAndCategory().forEach((key, list) -> expected.put(key, (long) list.size()));
    return expected;
  }

  private JsonNode answer(long from, long to) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + run.service().port()
                            + "/v1/metrics/"
                            + METRIC
                            + "/windows?from="
                            + from
                            + "&to="
                            + to))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /**
   * An answer for the last hour before the tier boundary up to now: history's part of it and the
   * hot tier's; with what it says about the history tier and what the health check says.
   */
  private String historyAsServed() throws Exception {
    TallyServer server = run.service();
    long now = System.currentTimeMillis();
    long boundary = now - server.configuration().getHotRetention().toMilliseconds();
    JsonNode answer = answer(boundary - 3_600_000, now);
    JsonNode historyTier = null;
    for (JsonNode tier : answer.path("tiers")) {
      if (tier.get("tier").asText().equals("history")) {
        historyTier = tier;
      }
    }
    HttpResponse<String> health =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.adminPort() + "/healthcheck"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode historyHealth = JSON.readTree(health.body()).get("history");
    return "partial="
        + answer.get("partial").asBoolean()
        + " windows="
        + (answer.get("windows").isEmpty() ? "none" : "some")
        + " history="
        + (historyTier == null
            ? "not asked"
            : historyTier.get("available").asBoolean()
                ? "available"
                : "unavailable: " + historyTier.path("error").asText())
        + " health="
        + (historyHealth.get("healthy").asBoolean()
            ? "healthy"
            : "unhealthy: " + historyHealth.get("message").asText());
  }

  private static String difference(Map<String, Long> expected, Map<String, Long> served) {
    List<String> diff = new ArrayList<>();
    expected.forEach(
        (k, v) -> {
          if (!v.equals(served.get(k))) {
            diff.add(k + " expected " + v + " got " + served.get(k));
          }
        });
    served.keySet().stream()
        .filter(k -> !expected.containsKey(k))
        .forEach(k -> diff.add(k + " unexpected"));
    return diff.size()
        + " windows differ"
        + (diff.isEmpty() ? "" : ", e.g. " + diff.subList(0, Math.min(5, diff.size())));
  }
}
