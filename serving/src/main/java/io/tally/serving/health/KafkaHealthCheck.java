package io.tally.serving.health;

import com.codahale.metrics.health.HealthCheck;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Healthy when a Kafka broker answers a cluster description within a short timeout: without one,
 * ingest answers 503 and the view stops following the change feed.
 */
public class KafkaHealthCheck extends HealthCheck {
  private final Admin admin;
  private final Duration timeout;

  public KafkaHealthCheck(Admin admin, Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  protected Result check() throws Exception {
    try {
      Collection<Node> nodes =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
              .nodes()
              .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
      return Result.builder()
          .healthy()
          .withMessage(nodes.size() + " brokers reachable")
          .withDetail("brokers", nodes.size())
          .build();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Result.unhealthy(
          "no Kafka broker answered within "
              + timeout.toMillis()
              + " ms: "
              + cause.getClass().getSimpleName());
    }
  }
}
