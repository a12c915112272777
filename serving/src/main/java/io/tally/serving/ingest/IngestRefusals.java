package io.tally.serving.ingest;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Meters of the ingest lines refused, one per reason, in the service's metric registry (the admin
 * port's {@code /metrics}) as {@code io.tally.ingest.refused.<reason>}. A refusal answered to a
 * client is otherwise seen only by that client and, for invalid lines, on the dead-letter topic;
 * these show an operator how much is refused and why.
 *
 * <p>They count lines. A request refused before its lines are read (a body too large, a log known
 * to be down, ingest disabled) counts as one.
 */
public final class IngestRefusals {
  /** Why lines were refused; the name is the last part of the meter's name. */
  public enum Reason {
    /** A line that breaks the event contract (dead-lettered; the rest of its request is taken). */
    INVALID("invalid"),
    /** A body over the size limit, refused whole. */
    TOO_LARGE("tooLarge"),
    /** A request over the node's ingest limit, refused whole (429). */
    RATE_LIMITED("rateLimited"),
    /** A request the log's buffer could not take, refused whole (429). */
    LOG_OVERLOADED("logOverloaded"),
    /** A request the log did not acknowledge or could not be reached for, refused whole (503). */
    LOG_UNAVAILABLE("logUnavailable"),
    /** A request to a service that runs without an event log (503). */
    DISABLED("disabled");

    private final String metricName;

    Reason(String metricName) {
      this.metricName = metricName;
    }

    public String metricName() {
      return "io.tally.ingest.refused." + metricName;
    }
  }

  private final Map<Reason, Meter> meters = new EnumMap<>(Reason.class);

  /** Registers (or finds) one meter per reason in {@code registry}. */
  public IngestRefusals(MetricRegistry registry) {
    for (Reason reason : Reason.values()) {
      meters.put(reason, registry.meter(reason.metricName()));
    }
  }

  void mark(Reason reason, long lines) {
    if (lines > 0) {
      meters.get(reason).mark(lines);
    }
  }

  /** The reason of a request refused whole with {@code e}, or null when it is not a refusal. */
  static Reason reasonOf(IngestException e) {
    if (e instanceof IngestRateLimitedException) {
      return Reason.RATE_LIMITED;
    }
    if (e instanceof LogOverloadedException) {
      return Reason.LOG_OVERLOADED;
    }
    if (e instanceof LogUnavailableException) {
      return Reason.LOG_UNAVAILABLE;
    }
    if (e instanceof IngestDisabledException) {
      return Reason.DISABLED;
    }
    if (e instanceof PayloadTooLargeException) {
      return Reason.TOO_LARGE;
    }
    return null;
  }
}
