package io.tally.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One completed checkpoint of the job, as its log tells it (Flink's checkpoint coordinator logs a
 * line as it triggers one, with the wall-clock trigger time, and a line as it completes one, with
 * its duration from the trigger): from the trigger until completion the job's state is being
 * written, and a probe whose path crosses that span may wait for it.
 */
record Checkpoint(long id, long triggeredAtMillis, long completedAtMillis) {
  private static final Pattern TRIGGERED =
      Pattern.compile("Triggering checkpoint (\\d+) .*@ (\\d+) for job");
  private static final Pattern COMPLETED =
      Pattern.compile("Completed checkpoint (\\d+) for job .*checkpointDuration=(\\d+) ms");

  long durationMillis() {
    return completedAtMillis - triggeredAtMillis;
  }

  /** Whether this checkpoint ran at some moment of {@code [fromMillis, toMillis]}. */
  boolean overlaps(long fromMillis, long toMillis) {
    return triggeredAtMillis <= toMillis && fromMillis <= completedAtMillis;
  }

  static boolean anyOverlaps(List<Checkpoint> checkpoints, long fromMillis, long toMillis) {
    return checkpoints.stream().anyMatch(c -> c.overlaps(fromMillis, toMillis));
  }

  /**
   * The completed checkpoints among a log's lines, in the order completed. One that was triggered
   * and never completed (declined, expired, or still running) is left out: its end is unknown.
   */
  static List<Checkpoint> fromLog(List<String> lines) {
    Map<Long, Long> triggered = new HashMap<>();
    List<Checkpoint> completed = new ArrayList<>();
    for (String line : lines) {
      Matcher t = TRIGGERED.matcher(line);
      if (t.find()) {
        triggered.put(Long.parseLong(t.group(1)), Long.parseLong(t.group(2)));
        continue;
      }
      Matcher c = COMPLETED.matcher(line);
      if (c.find()) {
        long id = Long.parseLong(c.group(1));
        Long at = triggered.get(id);
        if (at != null) {
          completed.add(new Checkpoint(id, at, at + Long.parseLong(c.group(2))));
        }
      }
    }
    return completed;
  }
}
