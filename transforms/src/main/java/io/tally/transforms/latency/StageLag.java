package io.tally.transforms.latency;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How far each stage of the job runs behind its events: at points along the path, the time from a
 * moment the event carries (its own {@code ts}, or when it was appended to Kafka) to the moment it
 * passes, recorded for every event in this process. The difference between consecutive points is
 * what the stage between them cost, from timestamps taken along the way rather than estimated; the
 * end-to-end latency metric of Kafka Streams and the event-time lag of Flink's sources are the same
 * idea at fewer points.
 *
 * <p>Recording is a clock read and a wait-free histogram update, cheap enough to stay on; nothing
 * is reported until something asks for an {@link #intervalLine interval}, as the job's resource log
 * does ({@code --resourcesLogSeconds}). A line carries each point's figures for people and its
 * histogram for tools ({@link #parse}), so that intervals add up exactly.
 *
 * <p>The figures are per process: on a Flink cluster each TaskManager has its own.
 */
public final class StageLag {
  /** The points, in the order an event passes them. */
  public enum Point {
    /**
     * Read by the job's Kafka source, from the record's append (create) time: the broker's part.
     */
    IN_KAFKA("in_kafka"),
    /** Read by the job's source and parsed, from the event's {@code ts}. */
    READ("read"),
    /** Passed de-duplication as a first arrival, from {@code ts}. */
    DEDUPLICATED("deduplicated"),
    /** Counted into its windows by aggregation, from {@code ts}. */
    AGGREGATED("aggregated"),
    /**
     * Counted in an early window update that left aggregation: the lag of the oldest event that the
     * update was the first to count, from its {@code ts}.
     */
    EMITTED("emitted");

    private final String label;

    Point(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final long HIGHEST_MILLIS = TimeUnit.HOURS.toMillis(1);
  private static final int SIGNIFICANT_DIGITS = 2;
  private static final String PREFIX = "stage lag (ms):";
  private static final Map<Point, Recorder> RECORDERS = new EnumMap<>(Point.class);

  static {
    for (Point point : Point.values()) {
      RECORDERS.put(point, new Recorder(HIGHEST_MILLIS, SIGNIFICANT_DIGITS));
    }
  }

  private StageLag() {}

  /**
   * An element passed {@code point} now, {@code sinceMillis} (epoch) being the moment it carries.
   */
  public static void record(Point point, long sinceMillis) {
    long lag = System.currentTimeMillis() - sinceMillis;
    // A clock ahead of this one reads as no lag; a lag past the range as the range's end.
    RECORDERS.get(point).recordValue(Math.max(0, Math.min(lag, HIGHEST_MILLIS)));
  }

  /**
   * What was recorded since the last call, one line: per point its count, P50, P99 and maximum,
   * then every histogram encoded. Meant for one reader per process.
   */
  public static synchronized String intervalLine() {
    StringJoiner figures = new StringJoiner(", ");
    StringJoiner encoded = new StringJoiner(" ");
    for (Point point : Point.values()) {
      Histogram h = RECORDERS.get(point).getIntervalHistogram();
      figures.add(
          String.format(
              Locale.ROOT,
              "%s %d/%d/%d of %d",
              point.label(),
              h.getValueAtPercentile(50),
              h.getValueAtPercentile(99),
              h.getMaxValue(),
              h.getTotalCount()));
      ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
      int length = h.encodeIntoCompressedByteBuffer(buffer);
      encoded.add(
          point.label()
              + "="
              + Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)));
    }
    return PREFIX + " " + figures + " | " + encoded;
  }

  /**
   * The histograms of a line that {@link #intervalLine} wrote; empty if {@code line} is not one.
   */
  public static Map<Point, Histogram> parse(String line) {
    Map<Point, Histogram> histograms = new EnumMap<>(Point.class);
    int bar = line.indexOf(" | ");
    if (!line.contains(PREFIX) || bar < 0) {
      return histograms;
    }
    for (String field : line.substring(bar + 3).trim().split(" ")) {
      int eq = field.indexOf('=');
      for (Point point : Point.values()) {
        if (eq > 0 && field.substring(0, eq).equals(point.label())) {
          byte[] bytes = Base64.getDecoder().decode(field.substring(eq + 1));
          try {
            histograms.put(
                point, Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0));
          } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a stage lag histogram: " + field, e);
          }
        }
      }
    }
    return histograms;
  }

  /** Whether {@code line} is one that {@link #intervalLine} wrote. */
  public static boolean isLine(String line) {
    return line.contains(PREFIX);
  }
}
