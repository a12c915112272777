package io.tally.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.runners.load.SseStream;
import io.tally.tiering.feed.WindowUpdateJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Live subscriptions under load: the query service runs in a process of its own, fed by a
 * change-feed topic on a real broker; this process opens N SSE subscribers on loopback and
 * publishes window updates at a steady rate. For each N it prints, as medians over the runs, the
 * delivery latency from the moment an update is handed to the Kafka producer to the moment a
 * subscriber has parsed it (P50, P99, max), the messages delivered per second, the service's heap
 * after a full GC and its resident memory, and the streams that were dropped. The first row (one
 * subscriber) is the baseline the others are compared with; an unmeasured run warms both JVMs up
 * first.
 */
@Command(
    name = "live-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "SSE fan-out of the query service: N subscribers, delivery latency, memory, disconnects.")
public final class LiveBenchmark implements Callable<Integer> {
  private static final long MINUTE = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:29092",
      description = "Kafka (${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--subscribers",
      split = ",",
      defaultValue = "1000,5000,10000",
      description = "Subscriber counts to measure (${DEFAULT-VALUE}).")
  List<Integer> subscribers;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs per subscriber count (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--seconds",
      defaultValue = "15",
      description = "Measured seconds per run (${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "Window updates published per second (${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--groups",
      defaultValue = "100",
      description =
          "Groups (categories) updated in turn; subscriber i follows group i mod groups (${DEFAULT-VALUE}).")
  int groups;

  @Option(
      names = "--port",
      defaultValue = "18090",
      description = "The service's port (${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--admin-port",
      defaultValue = "18091",
      description = "The service's admin port (${DEFAULT-VALUE}).")
  int adminPort;

  @Option(
      names = "--server-heap",
      defaultValue = "1g",
      description = "The service's -Xmx (${DEFAULT-VALUE}).")
  String serverHeap;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  private final long window = System.currentTimeMillis() / MINUTE * MINUTE;
  private final AtomicLong[] eventsByGroup;
  private HttpClient http;
  private String feedTopic;

  public LiveBenchmark() {
    eventsByGroup = new AtomicLong[10_000];
    Arrays.setAll(eventsByGroup, i -> new AtomicLong());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LiveBenchmark()).execute(args));
  }

  /** One run's figures. */
  record Run(
      double p50Ms,
      double p99Ms,
      double maxMs,
      double messagesPerSecond,
      double heapMb,
      double rssMb,
      long disconnects) {}

  @Override
  public Integer call() throws Exception {
    String prefix = "lbench-" + System.currentTimeMillis();
    feedTopic = prefix + "-feed";
    createTopic(feedTopic);
    Path dir = Files.createTempDirectory("live-benchmark");
    Path config = dir.resolve("serving.yml");
    Files.writeString(config, serviceConfig(prefix));
    Path log = dir.resolve("serving.log");
    Process service =
        JavaProcess.start(
            serverHeap,
            List.of(),
            "io.tally.serving.TallyApplication",
            List.of("server", config.toString()),
            log);
    ExecutorService clientThreads = Executors.newFixedThreadPool(4);
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(clientThreads)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      awaitService(service, log);
      System.out.printf(
          Locale.ROOT,
          "live-benchmark: %d updates/s over %d groups for %d s per run, %d runs per row; service pid %d, -Xmx%s; log %s%n",
          rate,
          groups,
          seconds,
          runs,
          service.pid(),
          serverHeap,
          log);
      System.out.printf(
          Locale.ROOT,
          "%11s %9s %9s %9s %11s %9s %9s %11s %10s%n",
          "subscribers",
          "P50 ms",
          "P99 ms",
          "max ms",
          "messages/s",
          "heap MB",
          "RSS MB",
          "disconnects",
          "P50 ratio");
      // Unmeasured: the service's and this process's code paths compiled before any figure.
      run(Math.min(1_000, subscribers.get(0)), producer, service.pid());
      List<Integer> counts = new ArrayList<>();
      counts.add(1);
      counts.addAll(subscribers);
      double baseline = Double.NaN;
      List<String> rows = new ArrayList<>();
      String name =
          String.format(
              Locale.ROOT, "Live subscriptions (SSE), %,d updates/s over %d groups", rate, groups);
      for (int n : counts) {
        List<Run> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          results.add(run(n, producer, service.pid()));
        }
        Run median = median(results);
        if (n == 1) {
          baseline = median.p50Ms();
        }
        System.out.printf(
            Locale.ROOT,
            "%,11d %9.1f %9.1f %9.1f %,11.0f %9.0f %9.0f %11d %10.2f%n",
            n,
            median.p50Ms(),
            median.p99Ms(),
            median.maxMs(),
            median.messagesPerSecond(),
            median.heapMb(),
            median.rssMb(),
            median.disconnects(),
            median.p50Ms() / baseline);
        String subscribed = String.format(Locale.ROOT, "%,d subscriber%s", n, n == 1 ? "" : "s");
        rows.add(
            BenchmarkTable.row(
                name,
                subscribed + ", delivery P50 (ms)",
                results.stream().map(Run::p50Ms).toList(),
                "%,.1f",
                n == 1
                    ? "baseline"
                    : String.format(
                        Locale.ROOT,
                        "ratio to 1 subscriber %.2f; %,.0f messages/s, %d disconnects",
                        median.p50Ms() / baseline,
                        median.messagesPerSecond(),
                        median.disconnects())));
        rows.add(
            BenchmarkTable.row(
                name,
                subscribed + ", delivery P99 (ms)",
                results.stream().map(Run::p99Ms).toList(),
                "%,.1f",
                String.format(
                    Locale.ROOT,
                    "service heap %,.0f MB, RSS %,.0f MB",
                    median.heapMb(),
                    median.rssMb())));
      }
      System.out.println("(medians of the runs; disconnects: the largest number in any run)");
      if (table) {
        rows.forEach(System.out::println);
      }
    } finally {
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
      clientThreads.shutdownNow();
    }
    return 0;
  }

  private Run run(int n, KafkaProducer<byte[], byte[]> producer, long pid) throws Exception {
    Histogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    LongAdder delivered = new LongAdder();
    LongAdder dropped = new LongAdder();
    Set<SseStream.Opened> streams = ConcurrentHashMap.newKeySet();
    boolean[] measuring = {false};

    List<CompletableFuture<HttpResponse.ResponseInfo>> opening = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String category = "bench-" + (i % groups);
      SseStream.Listener listener =
          new SseStream.Listener() {
            @Override
            public void message(SseStream.Message message) {
              if (!measuring[0] || !message.event().equals("window")) {
                return;
              }
              Long sent = sentAt.get(category + "@" + eventsOf(message.data()));
              if (sent != null) {
                latencyMicros.recordValue(Math.max(0, (System.nanoTime() - sent) / 1_000));
                delivered.increment();
              }
            }

            @Override
            public void closed(Throwable failure) {
              dropped.increment();
            }
          };
      SseStream.Opened stream =
          SseStream.open(
              http,
              URI.create(
                  "http://127.0.0.1:"
                      + port
                      + "/v1/metrics/events_by_category/stream?category="
                      + category),
              null,
              listener);
      streams.add(stream);
      opening.add(stream.headers());
      if (opening.size() == 500 || i == n - 1) {
        for (CompletableFuture<HttpResponse.ResponseInfo> response : opening) {
          int status = response.get(120, TimeUnit.SECONDS).statusCode();
          if (status != 200) {
            throw new IllegalStateException("a stream answered " + status);
          }
        }
        opening.clear();
      }
    }
    Thread.sleep(2_000); // snapshots out of the way
    long droppedBefore = dropped.sum();
    measuring[0] = true;
    long start = System.nanoTime();
    long published = 0;
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
      for (; published < due; published++) {
        int group = (int) (published % groups);
        long events = eventsByGroup[group].incrementAndGet();
        String category = "bench-" + group;
        WindowUpdate update = count(category, events);
        sentAt.put(category + "@" + events, System.nanoTime());
        producer.send(
            new ProducerRecord<>(
                feedTopic, WindowUpdateJson.key(update), WindowUpdateJson.toBytes(update)));
      }
      Thread.sleep(2);
    }
    producer.flush();
    Thread.sleep(3_000); // the last deliveries
    measuring[0] = false;
    long disconnects = dropped.sum() - droppedBefore;
    double elapsed = (System.nanoTime() - start) / 1e9;

    post("http://127.0.0.1:" + adminPort + "/tasks/gc");
    JsonNode metrics = JSON.readTree(get("http://127.0.0.1:" + adminPort + "/metrics"));
    double heapMb =
        metrics.path("gauges").path("jvm.memory.heap.used").path("value").asDouble() / (1 << 20);
    double rssMb = rssKb(pid) / 1024.0;

    for (SseStream.Opened stream : streams) {
      stream.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (liveConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    return new Run(
        Stats.millis(latencyMicros, 50),
        Stats.millis(latencyMicros, 99),
        latencyMicros.getMaxValue() / 1e3,
        delivered.sum() / elapsed,
        heapMb,
        rssMb,
        disconnects);
  }

  private long liveConnections() throws Exception {
    return JSON.readTree(get("http://127.0.0.1:" + adminPort + "/metrics"))
        .path("gauges")
        .path("io.tally.live.connections")
        .path("value")
        .asLong();
  }

  /** The {@code events} of a window message, read without a full parse. */
  static long eventsOf(String data) {
    int at = data.indexOf("\"events\":") + 9;
    int endAt = at;
    while (endAt < data.length() && Character.isDigit(data.charAt(endAt))) {
      endAt++;
    }
    return Long.parseLong(data, at, endAt, 10);
  }

  private WindowUpdate count(String category, long events) {
    return new WindowUpdate(
        "events_by_category",
        1,
        AggregateFunction.COUNT,
        List.of("category"),
        List.of(category),
        window,
        window + MINUTE,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  private static Run median(List<Run> runs) {
    return new Run(
        Stats.median(runs.stream().mapToDouble(Run::p50Ms).toArray()),
        Stats.median(runs.stream().mapToDouble(Run::p99Ms).toArray()),
        Stats.median(runs.stream().mapToDouble(Run::maxMs).toArray()),
        Stats.median(runs.stream().mapToDouble(Run::messagesPerSecond).toArray()),
        Stats.median(runs.stream().mapToDouble(Run::heapMb).toArray()),
        Stats.median(runs.stream().mapToDouble(Run::rssMb).toArray()),
        runs.stream().mapToLong(Run::disconnects).max().orElse(0));
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private String serviceConfig(String prefix) {
    return String.join(
        "\n",
        "hotStore:",
        "  name: live-benchmark",
        "kafka:",
        "  bootstrapServers: " + bootstrapServers,
        "  eventsTopic: " + prefix + "-events",
        "  changeFeedTopic: " + feedTopic,
        "  catchUpTimeout: 30s",
        "subscriptions:",
        "  savedQueriesTopic: " + prefix + "-saved",
        // Every subscriber connects from this one address: the per-client query limit would
        // refuse all but the first few hundred streams.
        "queryLimits:",
        "  requestsPerSecond: 1000000",
        "  burst: 1000000",
        "server:",
        "  applicationConnectors:",
        "    - type: http",
        "      port: " + port,
        "      acceptQueueSize: 4096",
        "  adminConnectors:",
        "    - type: http",
        "      port: " + adminPort,
        "  requestLog:",
        "    appenders: []",
        "logging:",
        "  level: WARN",
        "");
  }

  private void awaitService(Process service, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException(
            "the service stopped; see " + log + ":\n" + Files.readString(log));
      }
      try {
        get("http://127.0.0.1:" + port + "/v1/metrics");
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("the service did not start in time; see " + log);
  }

  private String get(String uri) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void post(String uri) throws Exception {
    http.send(
        HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private void createTopic(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      admin
          .createTopics(
              Set.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.LINGER_MS_CONFIG,
            0,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class.getName()));
  }
}
