package io.tally.tiering.history;

/**
 * The resolutions the history tier keeps, each in its own table.
 *
 * <ul>
 *   <li>{@link #MINUTE}: the windows exactly as the pipeline computed them (their own size and
 *       slide; typically a minute or finer), written by the pipeline's sink. Retention: 35 days.
 *   <li>{@link #HOUR}: tumbling hours, rolled up from {@link #MINUTE}. Retention: 400 days.
 *   <li>{@link #DAY}: tumbling UTC days, rolled up from {@link #HOUR} (and from {@link #MINUTE} for
 *       metrics whose window does not fit an hour). Retention: kept.
 * </ul>
 *
 * <p>Retention is not enforced by the store: ClickHouse 18.16 has no TTL. Each table is partitioned
 * so that an operator (or a scheduled job) drops whole expired partitions with {@code ALTER TABLE
 * ... DROP PARTITION}: by UTC day for minutes, by month for hours, by year for days. {@link
 * #retentionMillis()} gives the documented retention.
 */
public enum Resolution {
  MINUTE("windows_minute", 0, "toYYYYMMDD", 35L * 86_400_000),
  HOUR("windows_hour", 3_600_000, "toYYYYMM", 400L * 86_400_000),
  DAY("windows_day", 86_400_000, "toYear", Long.MAX_VALUE);

  private final String table;
  private final long sizeMillis;
  private final String partitionFunction;
  private final long retentionMillis;

  Resolution(String table, long sizeMillis, String partitionFunction, long retentionMillis) {
    this.table = table;
    this.sizeMillis = sizeMillis;
    this.partitionFunction = partitionFunction;
    this.retentionMillis = retentionMillis;
  }

  public String table() {
    return table;
  }

  /**
   * The size of this resolution's windows; 0 for {@link #MINUTE}, whose windows are the metric's.
   */
  public long sizeMillis() {
    return sizeMillis;
  }

  /** The ClickHouse function of the window start's UTC date-time that partitions the table. */
  String partitionFunction() {
    return partitionFunction;
  }

  /** How long windows of this resolution are meant to be kept after their start. */
  public long retentionMillis() {
    return retentionMillis;
  }

  /** The resolution a query names: {@code minute}, {@code hour} or {@code day}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The resolution of a query parameter; null when the name is none of them. */
  public static Resolution fromWireName(String name) {
    for (Resolution resolution : values()) {
      if (resolution.wireName().equals(name)) {
        return resolution;
      }
    }
    return null;
  }

  /**
   * Why windows of {@code sizeMillis} every {@code slideMillis} cannot be merged into windows of
   * this resolution, or null when they can: their size must divide this resolution's size and their
   * slide must divide their size, so that the aligned windows tile it (each event in exactly one
   * tile). Always null for {@link #MINUTE}, the windows themselves.
   */
  public String tilingProblem(long sizeMillis, long slideMillis) {
    return this == MINUTE ? null : tilingProblem(sizeMillis, slideMillis, this.sizeMillis);
  }

  /** {@link #tilingProblem(long, long)} for coarse windows of {@code coarseMillis}. */
  static String tilingProblem(long sizeMillis, long slideMillis, long coarseMillis) {
    if (sizeMillis <= 0 || coarseMillis % sizeMillis != 0) {
      return "window size " + sizeMillis + " ms does not divide " + coarseMillis + " ms";
    }
    if (slideMillis <= 0) {
      return "window slide unknown when written (no metric spec)";
    }
    if (sizeMillis % slideMillis != 0) {
      return "hopping windows (size "
          + sizeMillis
          + " ms, slide "
          + slideMillis
          + " ms) do not tile";
    }
    return null;
  }

  /** Whether a window of a tiling metric is one of the tiles (the others overlap the tiles). */
  public static boolean isTile(long startMillis, long sizeMillis) {
    return Math.floorMod(startMillis, sizeMillis) == 0;
  }

  /** The resolution rolled up into this one; null for {@link #MINUTE}. */
  public Resolution finer() {
    return switch (this) {
      case MINUTE -> null;
      case HOUR -> MINUTE;
      case DAY -> HOUR;
    };
  }
}
