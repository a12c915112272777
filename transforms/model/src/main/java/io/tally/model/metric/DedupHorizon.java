package io.tally.model.metric;

import io.tally.model.metric.InvalidDefinitionException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How long de-duplication must remember an event's identity {@code (source, id)} for the event to
 * be counted once however often it arrives, and the ceiling that bounds it.
 *
 * <p>De-duplication forgets an identity once the watermark passes the event's time plus the
 * horizon. A copy arriving after that is let through, and is counted again if a window it falls in
 * is still open. A window {@code [start, start + size)} closes once the watermark reaches its last
 * instant plus the allowed lateness, and every window that holds an event starts at or before the
 * event's time; so once the watermark has passed {@code time + size + allowedLateness}, every
 * window of the event is closed and a copy goes to the dead letter as late. That sum is what a
 * metric needs ({@link #neededMillis(long, long)}).
 *
 * <p>The source's disorder bound adds nothing: forgetting and window closing are both judged
 * against the same watermark, which already lags the event times by the disorder bound: however
 * late a copy arrives, its identity is forgotten only at a watermark at which its windows have
 * closed. (Aggregation sees the watermark a stage after de-duplication. When one step of the
 * watermark passes both a window's close and its events' expiry, a copy let through in the moment
 * between the two stages is counted again: on Flink, the bundle in which de-duplication forgets.
 * Adding the disorder bound would not close that gap either; a watermark that advances in small
 * steps does.)
 *
 * <p>The <em>ceiling</em> is what an operator sets: the pipeline's {@code --dedupHorizon} and,
 * equal to it, the service's {@code rules.dedupHorizon}. The service refuses a definition that
 * needs more, and the pipeline refuses to start with one; de-duplication remembers for the longest
 * horizon its definitions need, never longer than the ceiling.
 */
public final class DedupHorizon {
  /** Where the ceiling is set, for messages. */
  public static final String HOW_TO_RAISE =
      "the pipeline's --dedupHorizon and the service's rules.dedupHorizon (they must be equal)";

  private DedupHorizon() {}

  /** The horizon a metric with these windows needs: the window's size plus its lateness. */
  public static long neededMillis(long sizeMillis, long allowedLatenessMillis) {
    long sum = sizeMillis + allowedLatenessMillis;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /**
   * The longest horizon any version of any metric of {@code catalog} needs, replaced and deleted
   * versions included (their windows may still be open); 0 without definitions.
   */
  public static long neededMillis(MetricCatalog catalog) {
    long needed = 0;
    for (List<MetricVersion> history : catalog.histories()) {
      for (MetricVersion version : history) {
        if (!version.isDeletion()) {
          needed = Math.max(needed, version.definition().dedupHorizonNeededMillis());
        }
      }
    }
    return needed;
  }

  /**
   * What de-duplication remembers for {@code catalog}: twice what its definitions need, at most the
   * ceiling; the ceiling when there are no definitions (the raw event archive is still
   * de-duplicated). Twice, because a watermark that jumps — a source catching up after a stall or a
   * restore — can pass a window's close and its events' expiry in one step, and a copy could slip
   * through between de-duplication and aggregation; with the margin, expiry stays a whole
   * window-plus-lateness behind the close.
   */
  public static long effectiveMillis(MetricCatalog catalog, long ceilingMillis) {
    long needed = neededMillis(catalog);
    if (needed == 0) {
      return ceilingMillis;
    }
    return Math.min(ceilingMillis, needed > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * needed);
  }

  /**
   * Why {@code definition} cannot be accepted under {@code ceilingMillis}, if it cannot: a problem
   * of field {@code window} when the window alone is longer than the ceiling, else of {@code
   * allowedLateness}.
   */
  public static Optional<Problem> problem(MetricDefinition definition, long ceilingMillis) {
    long needed = definition.dedupHorizonNeededMillis();
    if (needed <= ceilingMillis) {
      return Optional.empty();
    }
    long size = definition.window().sizeMillis();
    String field = size > ceilingMillis ? "window" : "allowedLateness";
    return Optional.of(
        new Problem(
            field,
            "needs a dedup horizon of "
                + Durations.format(needed)
                + " (window size "
                + Durations.format(size)
                + " + allowed lateness "
                + Durations.format(definition.allowedLatenessMillis())
                + "), more than the ceiling of "
                + Durations.format(ceilingMillis)
                + ": a copy of an event arriving later than that could be counted twice. Shorten"
                + " the window or its lateness, or raise the ceiling to at least "
                + Durations.format(needed)
                + " in "
                + HOW_TO_RAISE
                + "."));
  }

  /**
   * Refuses definitions that need more than the ceiling, each problem's field prefixed with its
   * metric's name ({@code daily_views.window}).
   */
  public static void check(MetricCatalog catalog, long ceilingMillis)
      throws InvalidDefinitionException {
    List<Problem> problems = new ArrayList<>();
    for (MetricDefinition definition : catalog.definitions()) {
      problem(definition, ceilingMillis)
          .ifPresent(
              p -> problems.add(new Problem(definition.name() + "." + p.field(), p.message())));
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
  }
}
