package io.tally.it.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** What a healthy start must not log, and what a failed one shows of its log. */
final class StartLogs {
  /**
   * A line logged at ERROR (Dropwizard's "ERROR [time]" and logback's "time ERROR [thread]"), or a
   * line of a stack trace (Java's "at ..." and "Caused by:", Dropwizard's "! ...").
   */
  static final Pattern TROUBLE =
      Pattern.compile("(?m)^(\\S+ )?ERROR\\b|^\\s+at [\\w$.]+\\(|^Caused by: |^! ");

  /** The last lines of a process's log, to show why it ended when a test expected it running. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private StartLogs() {}
}
