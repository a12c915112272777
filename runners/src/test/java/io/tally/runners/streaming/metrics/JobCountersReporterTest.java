package io.tally.runners.streaming.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.transforms.metrics.JobCounter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ServiceLoader;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

/**
 * The reporter a job with Beam's metrics off runs with: Flink finds it as it finds its own, serves
 * what Flink tells it, and serves the job's counters under the names Beam's would have had.
 */
class JobCountersReporterTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void flinkFindsTheFactoryAsItFindsItsOwn() {
    assertThat(ServiceLoader.load(MetricReporterFactory.class).stream())
        .anyMatch(provider -> provider.type() == JobCountersReporterFactory.class);
  }

  @Test
  void servesTheJobsCountersBesideFlinksMetrics() throws Exception {
    String namespace = "io.tally.test" + System.nanoTime();
    JobCounter before = JobCounter.of(namespace, "before_open");
    before.inc(2);

    int port = freePort();
    // What Flink hands a factory: the reporter's settings, as a MetricConfig.
    MetricConfig config = new MetricConfig();
    config.setProperty("port", Integer.toString(port));
    MetricReporter reporter = new JobCountersReporterFactory().createMetricReporter(config);
    reporter.open(config);
    try {
      JobCounter.of(namespace, "after_open").inc(5);
      SimpleCounter flinks = new SimpleCounter();
      flinks.inc(7);
      reporter.notifyOfAddedMetric(flinks, "numRecordsIn", OperatorScope.INSTANCE);
      before.inc();

      String metrics = get(port);
      String prefix = "flink_taskmanager_job_task_operator_" + namespace.replace('.', '_');
      assertThat(metrics)
          .containsPattern("(?m)^" + prefix + "_before_open 3\\.0$")
          .containsPattern("(?m)^" + prefix + "_after_open 5\\.0$")
          .containsPattern("(?m)^flink_taskmanager_job_task_operator_numRecordsIn 7\\.0$");
    } finally {
      reporter.close();
    }
  }

  private static String get(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
