package io.tally.pipelines.backfill;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.WindowUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison of a tier's windows with their recomputation from the archive, window by window
 * (metric, version, group, start, end).
 *
 * <p>{@code events} — the distinct events folded into a window — is counted, never estimated, for
 * every function, and so are the values of count, sum, rate and top-K (sums to double rounding,
 * whatever the order); all must agree within the relative {@code tolerance} (0 by default:
 * exactly). A distinct count is an HLL estimate whose value may legitimately differ between two
 * computations of the same events (an estimate merged from parts against one built at once): it
 * must agree within {@link #DISTINCT_ERROR_BOUND}, or the tolerance when that is larger.
 */
public final class Reconciliation {
  /** The contract's error bound of distinct counts. */
  public static final double DISTINCT_ERROR_BOUND = 0.02;

  /** What double rounding may change in a sum of the same values in another order. */
  static final double SUM_ROUNDING = 1e-9;

  private final double tolerance;

  public Reconciliation(double tolerance) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("the tolerance is a relative difference, at least 0");
    }
    this.tolerance = tolerance;
  }

  private record Key(String metric, long version, List<String> group, long start, long end) {
    static Key of(WindowUpdate w) {
      return new Key(w.metric(), w.version(), w.group(), w.startMillis(), w.endMillis());
    }
  }

  /**
   * Compares a tier that holds every final window of the range (history): a recomputed window it
   * lacks is missing, a window it holds that was not recomputed is extra.
   */
  public List<Drift> compareComplete(
      String tier, Collection<WindowUpdate> expected, Collection<WindowUpdate> actual) {
    return compare(tier, expected, actual, true);
  }

  /**
   * Compares a tier that holds only some windows (the hot tier forgets windows after its retention,
   * and holds open windows that are not final yet): only its final windows are compared, and a
   * recomputed window it lacks is not drift.
   */
  public List<Drift> comparePartial(
      String tier, Collection<WindowUpdate> expected, Collection<WindowUpdate> actual) {
    return compare(tier, expected, actual.stream().filter(WindowUpdate::isFinal).toList(), false);
  }

  private List<Drift> compare(
      String tier,
      Collection<WindowUpdate> expected,
      Collection<WindowUpdate> actual,
      boolean complete) {
    Map<Key, WindowUpdate> held = new LinkedHashMap<>();
    for (WindowUpdate window : actual) {
      held.merge(Key.of(window), window, (a, b) -> b.supersedes(a) ? b : a);
    }
    List<Drift> drifts = new ArrayList<>();
    for (WindowUpdate recomputed : expected) {
      WindowUpdate stored = held.remove(Key.of(recomputed));
      if (stored == null) {
        if (complete) {
          drifts.add(Drift.of(tier, Drift.Kind.MISSING, recomputed, null, 1));
        }
        continue;
      }
      double events = relative(recomputed.events(), stored.events());
      double value = valueDifference(recomputed, stored);
      if (events > tolerance || value > allowed(recomputed.fn())) {
        drifts.add(Drift.of(tier, Drift.Kind.VALUE, recomputed, stored, Math.max(events, value)));
      }
    }
    for (WindowUpdate extra : held.values()) {
      drifts.add(Drift.of(tier, Drift.Kind.EXTRA, null, extra, 1));
    }
    return drifts;
  }

  private double allowed(AggregateFunction fn) {
    return switch (fn) {
      case DISTINCT -> Math.max(tolerance, DISTINCT_ERROR_BOUND);
      case SUM -> Math.max(tolerance, SUM_ROUNDING);
      default -> tolerance;
    };
  }

  /** The relative difference of two values of a window; for rankings 0 when equal, else 1. */
  static double valueDifference(WindowUpdate expected, WindowUpdate actual) {
    if (expected.value() instanceof MetricValue.Scalar e
        && actual.value() instanceof MetricValue.Scalar a) {
      return relative(e.value(), a.value());
    }
    return expected.value().equals(actual.value()) ? 0 : 1;
  }

  static double relative(double expected, double actual) {
    if (expected == actual) {
      return 0;
    }
    return Math.abs(expected - actual) / Math.max(Math.abs(expected), Math.abs(actual));
  }
}
