package io.tally.it.support;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Flink session cluster, run by {@code bin/flink}: one JobManager and two TaskManagers, each
 * a process of its own. Started before the first test that needs it (if it is not running already)
 * and left running for the others; the test command stops it at the end.
 */
public final class FlinkCluster implements BeforeAllCallback {
  /** The JobManager's REST and web UI port; the cluster uses the next eight ports too. */
  public static final int PORT = Integer.parseInt(System.getProperty("tally.flink.port", "18081"));

  @Override
  public void beforeAll(ExtensionContext context) {
    flink("start");
  }

  public static String restUrl() {
    return "http://127.0.0.1:" + PORT;
  }

  /** {@code bin/flink command...} against this cluster; what it printed. */
  public static String flink(String... command) {
    String[] full = new String[command.length + 1];
    full[0] = "bin/flink";
    System.arraycopy(command, 0, full, 1, command.length);
    return KafkaBroker.Scripts.run(Map.of("TALLY_FLINK_PORT", Integer.toString(PORT)), full);
  }

  /** The ids of the running jobs. */
  public static List<String> runningJobs() {
    return Arrays.stream(flink("jobs").split("\n"))
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .map(line -> line.split(" ", 2)[0])
        .toList();
  }
}
