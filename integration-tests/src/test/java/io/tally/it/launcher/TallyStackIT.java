package io.tally.it.launcher;

import static io.tally.it.launcher.LocalService.HTTP;
import static io.tally.it.launcher.LocalService.JSON;
import static io.tally.it.launcher.LocalService.counted;
import static io.tally.it.launcher.LocalService.countsOf;
import static io.tally.it.launcher.LocalService.get;
import static io.tally.it.launcher.LocalService.listening;
import static io.tally.it.launcher.LocalService.postEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tally up} as a user runs it: the whole stack starts (broker, ClickHouse, streaming
 * job, query service, each its own process), takes events with the key it printed, counts each
 * distinct event once, serves it on {@code /windows}, exposes {@code /prometheus}, and {@code
 * bin/tally down} leaves none of its processes or ports behind. Every metric the Grafana dashboard
 * in {@code docs/grafana} plots is served by the service or the job.
 */
class TallyStackIT {
  private static final Path ROOT =
      Path.of(System.getProperty("tally.root", "..")).toAbsolutePath().normalize();
  // Below Linux's ephemeral range (32768 and up), so that no client connection of another test
  // holds one of them when the stack starts.
  private static final int KAFKA = 23092;
  private static final int CLICKHOUSE = 23123;
  private static final int SERVICE = 23080;
  private static final int ADMIN = 23081;
  private static final int JOB_METRICS = 23249;

  @TempDir static Path data;

  private static String tally(String command) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(ROOT.resolve("bin/tally").toString(), command).directory(ROOT.toFile());
    builder
        .environment()
        .putAll(
            Map.of(
                "TALLY_KAFKA_PORT", Integer.toString(KAFKA),
                "TALLY_CLICKHOUSE_HTTP_PORT", Integer.toString(CLICKHOUSE),
                "TALLY_SERVICE_PORT", Integer.toString(SERVICE),
                "TALLY_ADMIN_PORT", Integer.toString(ADMIN),
                "TALLY_JOB_METRICS_PORT", Integer.toString(JOB_METRICS),
                "TALLY_DATA_DIR", data.toString(),
                "TALLY_REBUILD", "0",
                "TALLY_UP_TIMEOUT", "300"));
    builder.redirectErrorStream(true);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(6, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/tally " + command + " did not end");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("bin/tally " + command + ":\n" + text).isZero();
    return text;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    tally("down");
  }

  @Test
  void upTakesEventsServesThemAndDownLeavesNothing() throws Exception {
    String up = tally("up");
    Matcher printed = Pattern.compile("API key \\(every role\\): (\\S+)").matcher(up);
    assertThat(printed.find()).as(up).isTrue();
    String key = printed.group(1);
    assertThat(tally("up")).contains("already up");

    // Three distinct events and a copy of one, in a category of their own, stamped now.
    String category = "stack/it-" + System.nanoTime();
    long now = System.currentTimeMillis();
    String body = LocalService.events(category, now, List.of("a", "b", "c", "a"));
    HttpResponse<String> posted = postEvents(SERVICE, key, body);
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

    String windows = countsOf(SERVICE, category, now);
    // A generous bound: a job just started counts its first events after its warm-up, which
    // takes long on a busy machine.
    await()
        .atMost(Duration.ofMinutes(6))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> counted(get(windows)) == 3);
    assertThat(counted(get(windows))).isEqualTo(3);
    // A healthy start logs no error and no stack trace.
    assertThat(Files.readString(data.resolve("job.log"))).doesNotContainPattern(StartLogs.TROUBLE);
    assertThat(Files.readString(data.resolve("service.log")))
        .doesNotContainPattern(StartLogs.TROUBLE);

    // The live stream of the same group starts with a snapshot that holds the window.
    HttpResponse<Stream<String>> stream =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + SERVICE
                            + "/v1/metrics/events_by_category/stream?category="
                            + category))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = stream.body()) {
      CompletableFuture<Boolean> seen =
          CompletableFuture.supplyAsync(
              () -> lines.anyMatch(l -> l.startsWith("data:") && l.contains("\"events\":3")));
      assertThat(seen.get(2, TimeUnit.MINUTES)).isTrue();
    }

    String metrics = get("http://127.0.0.1:" + ADMIN + "/prometheus");
    assertThat(metrics).contains("io_tally_");

    // Every metric the Grafana dashboard plots is there, from the service's /prometheus or the
    // job's reporter, once what it counts has happened: a copy (above), an event too late for
    // every window, and a record on the events topic that is no event at all.
    String late =
        String.format(
            "{\"id\": \"late\", \"source\": \"it\", \"type\": \"movie.view\","
                + " \"category\": \"%s\", \"ts\": %d}%n",
            category, now - Duration.ofDays(1).toMillis());
    assertThat(postEvents(SERVICE, key, late).statusCode()).isEqualTo(202);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + KAFKA),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>("events", "not an event".getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
    Set<String> plotted = dashboardMetrics();
    assertThat(plotted).hasSizeGreaterThan(20);
    AtomicReference<Set<String>> missing = new AtomicReference<>(plotted);
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(
              () -> {
                String served =
                    get("http://127.0.0.1:" + ADMIN + "/prometheus")
                        + get("http://127.0.0.1:" + JOB_METRICS + "/metrics");
                Set<String> absent = new TreeSet<>(plotted);
                absent.removeIf(
                    name -> Pattern.compile("(?m)^" + name + "[{ ]").matcher(served).find());
                missing.set(absent);
                return absent.isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the dashboard plots metrics nobody serves: " + missing.get(), e);
    }

    List<Long> pids = List.of(pid("job.pid"), pid("service.pid"));
    tally("down");

    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process " + pid)
          .isFalse();
    }
    for (int port : List.of(KAFKA, CLICKHOUSE, SERVICE, ADMIN, JOB_METRICS)) {
      assertThat(listening(port)).as("port " + port).isFalse();
    }
  }

  /** The metric names in the queries of docs/grafana/tally-dashboard.json. */
  private static Set<String> dashboardMetrics() throws IOException {
    Set<String> names = new TreeSet<>();
    JsonNode dashboard = JSON.readTree(ROOT.resolve("docs/grafana/tally-dashboard.json").toFile());
    Pattern metric = Pattern.compile("\\b(io_tally_\\w+|flink_\\w+)");
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher found = metric.matcher(expr.asText());
      while (found.find()) {
        names.add(found.group(1));
      }
    }
    return names;
  }

  private static long pid(String file) throws IOException {
    return Long.parseLong(Files.readString(data.resolve(file)).trim());
  }
}
