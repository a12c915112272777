package io.tally.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Another main class of this class path in a process of its own, as runners/bin/launch would start
 * it: this JVM's {@code --add-opens} flags (Flink and Beam need them on Java 17) and class path,
 * its own heap, its output in a log file. Benchmarks measure processes apart, as deployed.
 */
final class JavaProcess {
  private JavaProcess() {}

  static Process start(
      String heap, List<String> jvmOptions, String mainClass, List<String> args, Path log)
      throws IOException {
    return builder(heap, jvmOptions, mainClass, args, log).start();
  }

  /** The process to start, for a caller that sets its environment first. */
  static ProcessBuilder builder(
      String heap, List<String> jvmOptions, String mainClass, List<String> args, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-opens")) {
        command.add(argument);
      }
    }
    command.add("-Xmx" + heap);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
  }
}
