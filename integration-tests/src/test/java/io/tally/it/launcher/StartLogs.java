package io.tally.it.launcher;

import java.util.regex.Pattern;

/** What a healthy start must not log. */
final class StartLogs {
  /**
   * A line logged at ERROR (Dropwizard's "ERROR [time]" and logback's "time ERROR [thread]"), or a
   * line of a stack trace (Java's "at ..." and "Caused by:", Dropwizard's "! ...").
   */
  static final Pattern TROUBLE =
      Pattern.compile("(?m)^(\\S+ )?ERROR\\b|^\\s+at [\\w$.]+\\(|^Caused by: |^! ");

  private StartLogs() {}
}
