package io.tally.it.launcher;

import static io.tally.it.launcher.LocalService.JSON;
import static io.tally.it.launcher.LocalService.counted;
import static io.tally.it.launcher.LocalService.countsOf;
import static io.tally.it.launcher.LocalService.get;
import static io.tally.it.launcher.LocalService.listening;
import static io.tally.it.launcher.LocalService.postEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/run} as a newcomer runs it: it starts a broker of its own, takes posted events with
 * the key it printed, counts each distinct one once next to its synthetic events, and on a TERM
 * stops the broker and deletes the broker's data, leaving no process behind.
 */
class QuickstartIT {
  private static final Path ROOT =
      Path.of(System.getProperty("tally.root", "..")).toAbsolutePath().normalize();
  // Below Linux's ephemeral range (32768 and up), so that no client connection of another test
  // holds one of them when the run starts.
  private static final int KAFKA = 24092;
  private static final int SERVICE = 24080;
  private static final int ADMIN = 24081;
  private static final Pattern KEY =
      Pattern.compile("API key of this run \\(every role\\): (\\S+)");

  @Test
  void takesPostedEventsThroughItsOwnBrokerAndStopsIt(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("run.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                ROOT.resolve("bin/run").toString(),
                "--port=" + SERVICE,
                "--admin-port=" + ADMIN,
                "--synthetic-rate=200")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("TALLY_RUN_KAFKA_PORT", Integer.toString(KAFKA));
    builder.environment().put("TALLY_REBUILD", "0");
    Process run = builder.start();
    try {
      AtomicReference<String> key = new AtomicReference<>();
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .failFast(
              () ->
                  assertThat(run.isAlive())
                      .as(() -> "bin/run ended; the end of its output:\n" + StartLogs.tail(log))
                      .isTrue())
          .until(
              () -> {
                Matcher printed = KEY.matcher(Files.readString(log));
                if (printed.find()) {
                  key.set(printed.group(1));
                }
                return key.get() != null;
              });

      // Two distinct events and a copy of one, in a category of their own, stamped now.
      String category = "quickstart/it-" + System.nanoTime();
      long now = System.currentTimeMillis();
      String body = LocalService.events(category, now, List.of("a", "b", "a"));
      assertThat(postEvents(SERVICE, "not-a-key", body).statusCode()).isEqualTo(401);
      HttpResponse<String> posted = postEvents(SERVICE, key.get(), body);
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      assertThat(JSON.readTree(posted.body()).get("accepted").asInt()).isEqualTo(3);

      String windows = countsOf(SERVICE, category, now);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> counted(get(windows)) == 2);
      assertThat(counted(get(windows))).isEqualTo(2);
      // A healthy start logs no error and no stack trace.
      assertThat(Files.readString(log)).doesNotContainPattern(StartLogs.TROUBLE);
      assertThat(listening(KAFKA)).isTrue();

      List<ProcessHandle> started = run.descendants().toList();
      run.destroy();
      assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("bin/run ended after a TERM").isTrue();
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
      assertThat(listening(KAFKA)).as("the broker's port").isFalse();
      assertThat(listening(SERVICE)).as("the API's port").isFalse();
      assertThat(ROOT.resolve("target/run/kafka-" + KAFKA)).doesNotExist();
    } finally {
      run.descendants().forEach(ProcessHandle::destroyForcibly);
      run.destroyForcibly();
    }
  }
}
