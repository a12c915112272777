package io.tally.serving.query;

import io.tally.model.metric.Dimension;
import io.tally.model.metric.Durations;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.WindowQuery;
import io.tally.tiering.tiers.TieredWindowReader;
import io.tally.tiering.tiers.TieredWindows;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Answers metric and window queries: checks the parameters, then asks the storage tiers through a
 * {@link TieredWindowReader}, which splits {@code [from, to)} at the tier boundary and merges the
 * tiers' answers so that no window is missing, counted twice, or shows fewer events than an earlier
 * answer did. Resources talk only to this service.
 */
public final class WindowQueryService implements WindowQueries {
  public static final String FROM = "from";
  public static final String TO = "to";
  public static final String RESOLUTION = "resolution";
  public static final String VERSION = "version";

  private static final Comparator<List<String>> GROUP_ORDER =
      (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
          int c = a.get(i).compareTo(b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.size(), b.size());
      };

  /** By start, then group values, then version: a stable order for clients and tests. */
  public static final Comparator<WindowUpdate> WINDOW_ORDER =
      Comparator.comparingLong(WindowUpdate::startMillis)
          .thenComparing(WindowUpdate::group, GROUP_ORDER)
          .thenComparingLong(WindowUpdate::version)
          .thenComparingLong(WindowUpdate::endMillis);

  private final MetricCatalogSource catalog;
  private final TieredWindowReader tiers;
  private final long maxRangeMillis;
  private final ServingReadiness readiness;

  /** Answers from the hot store alone. */
  public WindowQueryService(MetricCatalogSource catalog, HotStore hotStore, long maxRangeMillis) {
    this(catalog, TieredWindowReader.memoryOnly(hotStore), maxRangeMillis);
  }

  public WindowQueryService(
      MetricCatalogSource catalog, TieredWindowReader tiers, long maxRangeMillis) {
    this(catalog, tiers, maxRangeMillis, new ServingReadiness());
  }

  /**
   * @param readiness window queries are refused ({@link NotReadyException}) until it is ready
   */
  public WindowQueryService(
      MetricCatalogSource catalog,
      TieredWindowReader tiers,
      long maxRangeMillis,
      ServingReadiness readiness) {
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    if (maxRangeMillis <= 0) {
      throw new IllegalArgumentException("the maximum query range must be positive");
    }
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.tiers = Objects.requireNonNull(tiers, "tiers");
    this.maxRangeMillis = maxRangeMillis;
  }

  @Override
  public Collection<MetricDefinition> definitions() {
    return catalog.current().definitions();
  }

  @Override
  public MetricDefinition definition(String name) {
    return catalog.current().get(name).orElseThrow(() -> new UnknownMetricException(name));
  }

  /**
   * The windows of metric {@code name} that start in {@code [from, to)}.
   *
   * @param parameters the query parameters, decoded: {@code from} and {@code to} (RFC 3339 or epoch
   *     milliseconds), optionally {@code resolution} ({@code minute}, the metric's own windows and
   *     the default; {@code hour}; {@code day}), every other one a dimension of the metric and the
   *     value its groups must have
   */
  @Override
  public MetricWindows windows(String name, Map<String, List<String>> parameters) {
    MetricDefinition definition = definition(name);
    readiness.check();
    long from = time(parameters, FROM);
    long to = time(parameters, TO);
    if (to < from) {
      throw new InvalidQueryException(TO, "must not be before 'from'");
    }
    if (to - from > maxRangeMillis) {
      throw new InvalidQueryException(
          TO,
          "is too far after 'from': a query may span at most " + Durations.format(maxRangeMillis));
    }
    Resolution resolution = resolution(definition, parameters);
    Long version = version(parameters);
    Map<String, String> where =
        where(definition, parameters, Set.of(FROM, TO, RESOLUTION, VERSION));
    TieredWindows answer =
        tiers.windows(definition.spec(), new WindowQuery(name, from, to, where), resolution);
    List<WindowUpdate> windows = new ArrayList<>(answer.windows());
    windows.sort(WINDOW_ORDER);
    if (version != null) {
      return new MetricWindows(
          definition,
          VersionMerge.ofVersion(windows, version),
          resolution,
          answer.boundaryMillis(),
          answer.reads(),
          answer.leftOut());
    }
    VersionMerge.Result merged = VersionMerge.merge(windows, definition.spec());
    List<String> leftOut = new ArrayList<>(answer.leftOut());
    leftOut.addAll(merged.notes());
    return new MetricWindows(
        definition,
        merged.windows(),
        resolution,
        answer.boundaryMillis(),
        answer.reads(),
        leftOut,
        merged.versions());
  }

  /** {@code version}: only the windows that version of the definition computed; null for all. */
  private static Long version(Map<String, List<String>> parameters) {
    String value = single(parameters, VERSION);
    if (value == null) {
      return null;
    }
    try {
      long version = Long.parseLong(value.trim());
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidQueryException(VERSION, "must be a definition version, 1 or more");
  }

  private static Resolution resolution(
      MetricDefinition definition, Map<String, List<String>> parameters) {
    String name = single(parameters, RESOLUTION);
    if (name == null) {
      return Resolution.MINUTE;
    }
    Resolution resolution = Resolution.fromWireName(name);
    if (resolution == null) {
      throw new InvalidQueryException(
          RESOLUTION, "must be minute (the metric's own windows), hour or day, not '" + name + "'");
    }
    String problem =
        resolution.tilingProblem(
            definition.window().sizeMillis(), definition.window().slideMillis());
    if (problem != null) {
      throw new InvalidQueryException(
          RESOLUTION,
          "cannot be "
              + name
              + " for metric '"
              + definition.name()
              + "', whose windows ("
              + Durations.format(definition.window().sizeMillis())
              + " every "
              + Durations.format(definition.window().slideMillis())
              + ") do not tile "
              + (resolution == Resolution.HOUR ? "an hour" : "a day"));
    }
    return resolution;
  }

  /**
   * The groups of metric {@code name} that a live stream or saved query follows: every parameter
   * names a dimension of the metric and gives the value its groups must have.
   */
  public Map<String, String> groupFilter(String name, Map<String, List<String>> parameters) {
    return where(definition(name), parameters, Set.of());
  }

  private static long time(Map<String, List<String>> parameters, String name) {
    String value = single(parameters, name);
    if (value == null) {
      throw new InvalidQueryException(
          name,
          "is required: RFC 3339 with an offset (e.g. 2026-11-27T21:00:00Z) or epoch milliseconds");
    }
    try {
      return Timestamps.parseMillis(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(name, e.getMessage());
    }
  }

  private static Map<String, String> where(
      MetricDefinition definition, Map<String, List<String>> parameters, Set<String> notGroups) {
    List<String> dimensions = definition.groupBy().stream().map(Dimension::name).toList();
    Map<String, String> where = new LinkedHashMap<>();
    for (String parameter : parameters.keySet()) {
      if (notGroups.contains(parameter)) {
        continue;
      }
      if (!dimensions.contains(parameter)) {
        throw new InvalidQueryException(
            parameter,
            dimensions.isEmpty()
                ? "is not a dimension of metric '" + definition.name() + "', which has no groups"
                : "is not a dimension of metric '"
                    + definition.name()
                    + "'; it groups by "
                    + String.join(", ", dimensions));
      }
      where.put(parameter, single(parameters, parameter));
    }
    return where;
  }

  /** The one value of a parameter, null when absent; a repeated parameter is an error. */
  private static String single(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new InvalidQueryException(name, "must be given once, not " + values.size() + " times");
    }
    return values.get(0) == null ? "" : values.get(0);
  }
}
