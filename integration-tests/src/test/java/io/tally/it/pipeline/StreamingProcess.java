package io.tally.it.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code io.tally.runners.StreamingMain} as a process of its own, launched as
 * {@code runners/bin/launch} does (the runners module's jar, its class path and JVM flags from
 * {@code runners/target/launcher}), so that a test can kill it as a crash would.
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
              .filter(p -> p.getFileName().toString().matches("tally-runners-.*(?<!-sources|-tests)\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("build the runners module first"));
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(Arrays.asList(Files.readString(launcher.resolve("jvm.options")).trim().split("\\s+")));
    command.add("-Xmx768m");
    command.add("-cp");
    command.add(jar + ":" + Files.readString(launcher.resolve("classpath.txt")).trim());
    command.add("io.tally.runners.StreamingMain");
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new StreamingProcess(process, log);
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
