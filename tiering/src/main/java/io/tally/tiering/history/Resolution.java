package io.tally.tiering.history;

/**
 * The resolutions the history tier keeps, each in its own table.
 *
 * <ul>
 *   <li>{@link #MINUTE}: the windows exactly as the pipeline computed them (their own size and
 *       slide; typically a minute or finer), written by the pipeline's sink. Retention: 35 days.
 *   <li>{@link #HOUR}: tumbling hours, rolled up from {@link #MINUTE}. Retention: 400 days.
 *   <li>{@link #DAY}: tumbling UTC days, rolled up from {@link #HOUR} (and from {@link #MINUTE}
 *       for metrics whose window does not fit an hour). Retention: kept.
 * </ul>
 *
 * <p>Retention is not enforced by the store: ClickHouse 18.16 has no TTL. Each table is
 * partitioned so that an operator (or a scheduled job) drops whole expired partitions with
 * {@code ALTER TABLE ... DROP PARTITION}: by UTC day for minutes, by month for hours, by year for
 * days. {@link #retentionMillis()} gives the documented retention.
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

  /** The size of this resolution's windows; 0 for {@link #MINUTE}, whose windows are the metric's. */
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

  /** The resolution rolled up into this one; null for {@link #MINUTE}. */
  public Resolution finer() {
    return switch (this) {
      case MINUTE -> null;
      case HOUR -> MINUTE;
      case DAY -> HOUR;
    };
  }
}
