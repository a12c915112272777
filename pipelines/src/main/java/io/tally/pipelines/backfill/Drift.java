package io.tally.pipelines.backfill;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.update.WindowUpdate;
import java.time.Instant;
import java.util.Map;

/**
 * One window where a tier differs from the recomputation beyond the tolerance.
 *
 * @param tier {@code history} or {@code hot}
 * @param start the window's start, ISO-8601 UTC
 * @param expected the recomputed window; null for {@link Kind#EXTRA}
 * @param actual what the tier holds; null for {@link Kind#MISSING}
 * @param difference for {@link Kind#VALUE}: the largest relative difference of events or value (1
 *     when rankings differ); 1 for missing and extra windows
 */
public record Drift(
    String tier,
    Kind kind,
    String metric,
    long version,
    Map<String, String> group,
    String start,
    String end,
    Observed expected,
    Observed actual,
    double difference) {

  public enum Kind {
    /** Recomputed, but the tier does not hold it. */
    MISSING,
    /** The tier holds it, but the archive's events make no such window. */
    EXTRA,
    /** Both have it, with different events or value. */
    VALUE
  }

  /** What one side holds for a window. */
  public record Observed(long events, Object value) {
    static Observed of(WindowUpdate window) {
      if (window == null) {
        return null;
      }
      Object value =
          window.value() instanceof MetricValue.Scalar scalar
              ? (Object) scalar.value()
              : ((MetricValue.Ranking) window.value()).items();
      return new Observed(window.events(), value);
    }
  }

  static Drift of(
      String tier, Kind kind, WindowUpdate expected, WindowUpdate actual, double difference) {
    WindowUpdate window = expected != null ? expected : actual;
    return new Drift(
        tier,
        kind,
        window.metric(),
        window.version(),
        window.groupMap(),
        Instant.ofEpochMilli(window.startMillis()).toString(),
        Instant.ofEpochMilli(window.endMillis()).toString(),
        Observed.of(expected),
        Observed.of(actual),
        difference);
  }

  /** One line for people: what differs, where, by how much. */
  public String describe() {
    String where = metric + " v" + version + " " + group + " [" + start + ", " + end + ")";
    return switch (kind) {
      case MISSING ->
          tier
              + ": missing "
              + where
              + " (expected "
              + expected.events()
              + " events, "
              + expected.value()
              + ")";
      case EXTRA ->
          tier
              + ": extra "
              + where
              + " (holds "
              + actual.events()
              + " events, "
              + actual.value()
              + ")";
      case VALUE ->
          tier
              + ": differs "
              + where
              + ": events "
              + actual.events()
              + " vs "
              + expected.events()
              + ", value "
              + actual.value()
              + " vs "
              + expected.value()
              + String.format(" (%.4f%%)", difference * 100);
    };
  }
}
