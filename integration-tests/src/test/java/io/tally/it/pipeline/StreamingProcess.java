package io.tally.it.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code io.tally.runners.streaming.StreamingMain} as a process of its own, so that a test can kill
 * it as a crash would: launched as {@code runners/bin/launch} does (the runners module's jar, its
 * class path and JVM flags from {@code runners/target/launcher}), the job on an embedded Flink
 * cluster; or as {@code bin/flink submit}, the client of a job on a Flink session cluster.
 */
final class StreamingProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private StreamingProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static StreamingProcess start(Path log, List<String> args) throws IOException {
    Path target = root().resolve("runners/target");
    Path launcher = target.resolve("launcher");
    Path jar;
    try (Stream<Path> files = Files.list(target)) {
      jar =
          files
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .matches("tally-runners-.*(?<!-sources|-tests|-flink-job)\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("build the runners module first"));
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        Arrays.asList(Files.readString(launcher.resolve("jvm.options")).trim().split("\\s+")));
    command.add("-Xmx768m");
    command.add("-cp");
    command.add(jar + ":" + Files.readString(launcher.resolve("classpath.txt")).trim());
    command.add("io.tally.runners.streaming.StreamingMain");
    command.addAll(args);
    return start(log, new ProcessBuilder(command));
  }

  /** {@code bin/flink submit args}: the job on the session cluster whose REST port is given. */
  static StreamingProcess submit(Path log, int restPort, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(root().resolve("bin/flink").toString());
    command.add("submit");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(root().toFile());
    builder.environment().put("TALLY_FLINK_PORT", Integer.toString(restPort));
    return start(log, builder);
  }

  private static StreamingProcess start(Path log, ProcessBuilder builder) throws IOException {
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new StreamingProcess(process, log);
  }

  /** Waits for the process to end on its own; its exit code. */
  int awaitExit(java.time.Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running after " + timeout);
    }
    return process.exitValue();
  }

  /** Dies at once, as with {@code kill -9}: no shutdown hook, no cancellation. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM: the job is cancelled by StreamingMain's shutdown hook. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  private static Path root() {
    return Path.of(System.getProperty("tally.root", "..")).toAbsolutePath().normalize();
  }
}
