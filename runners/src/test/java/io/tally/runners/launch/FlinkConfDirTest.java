package io.tally.runners.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkConfDirTest {
  private static final Map<String, String> DEFAULTS =
      Map.of("execution.buffer-timeout.interval", "10ms");
  private static final Map<String, String> ENTRIES =
      Map.of("execution.job-listeners", "x.Listener");

  @Test
  void addsDefaultsAndEntriesToNoFile() throws Exception {
    Path dir = FlinkConfDir.write(null, DEFAULTS, ENTRIES);
    assertThat(Files.readString(dir.resolve("flink-conf.yaml")))
        .contains("execution.buffer-timeout.interval: 10ms\n")
        .contains("execution.job-listeners: x.Listener\n");
  }

  @Test
  void theUsersOwnSettingWinsOverADefault(@TempDir Path user) throws Exception {
    Files.writeString(
        user.resolve("config.yaml"),
        "taskmanager.numberOfTaskSlots: 4\n  execution.buffer-timeout.interval : 0ms\n");
    Path dir = FlinkConfDir.write(user.toString(), DEFAULTS, ENTRIES);
    String written = Files.readString(dir.resolve("config.yaml"));
    assertThat(written)
        .contains("taskmanager.numberOfTaskSlots: 4")
        .contains("execution.buffer-timeout.interval : 0ms")
        .doesNotContain("execution.buffer-timeout.interval: 10ms")
        .contains("execution.job-listeners: x.Listener\n");
  }
}
