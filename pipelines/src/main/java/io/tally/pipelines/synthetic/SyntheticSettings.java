package io.tally.pipelines.synthetic;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@link SyntheticEvents} generates. Everything is a pure function of these settings (and of
 * the event's index), so two generators with equal settings produce the same events.
 *
 * @param seed selects the stream: the same seed gives the same events
 * @param categories how many categories ({@code movies/action}, {@code sports/nba/scores} …), named
 *     realistically across movies, sports and tickets
 * @param entitiesPerCategory the items top-K ranks, per category (movies, teams, drops)
 * @param entitySkew Zipf exponent over the entities of a category (0 = uniform)
 * @param users how many distinct actors (what distinct counts count)
 * @param geos the ISO 3166-1 alpha-2 codes (optionally with a subdivision) drawn uniformly
 * @param duplicateShare the share of positions that re-emit an earlier event's exact JSON, in [0,
 *     0.9]. A few candidate positions are turned back into fresh events when the earlier event is
 *     too old to be re-sent within the disorder bound, so the observed share is very slightly lower
 *     (less than 1% relative with the defaults)
 * @param maxDisorderMillis event time = the event clock minus a uniform delay in {@code [0,
 *     maxDisorderMillis]}; sources use it as their watermark lag
 * @param lateShare the share of fresh events that are late: older than the disorder bound by 1 ms
 *     up to {@code maxLatenessMillis}
 * @param maxLatenessMillis how far beyond the disorder bound late events go
 * @param hotKeySkew Zipf exponent over categories: 0 = uniform, 1.0 or more makes a few categories
 *     hot
 * @param clock {@link Clock#SIMULATED} (benchmarks, tests: reproducible) or {@link Clock#LIVE}
 *     (follows the wall clock)
 * @param startMillis SIMULATED: the event clock of event 0. LIVE: the instant event 0 is due; 0 =
 *     "when the source is created" (see {@link #anchoredAt})
 * @param rate LIVE: events per second over all sub-streams (each sub-stream emits its share on
 *     schedule); 0 = as fast as possible, the event clock then being the wall clock at emission.
 *     SIMULATED: ignored for emission (always as fast as possible)
 * @param simulatedRate SIMULATED: how many events one second of event clock holds, so the clock
 *     advances by {@code 1/simulatedRate} per event
 * @param maxEvents how many events the stream has in total, 0 = unbounded
 */
public record SyntheticSettings(
    long seed,
    int categories,
    int entitiesPerCategory,
    double entitySkew,
    int users,
    List<String> geos,
    double duplicateShare,
    long maxDisorderMillis,
    double lateShare,
    long maxLatenessMillis,
    double hotKeySkew,
    Clock clock,
    long startMillis,
    double rate,
    double simulatedRate,
    long maxEvents)
    implements Serializable {

  /** How the event clock advances. */
  public enum Clock {
    /**
     * Event {@code i} is at {@code startMillis + i / simulatedRate}; emission is never throttled.
     */
    SIMULATED,
    /** The event clock is the wall clock; emission is throttled to {@code rate}. */
    LIVE
  }

  /** 2024-01-01T00:00:00Z: where simulated clocks start unless told otherwise. */
  public static final long DEFAULT_SIMULATED_START = 1_704_067_200_000L;

  public static final List<String> DEFAULT_GEOS =
      List.of(
          "US", "US-CA", "US-NY", "US-TX", "CA", "MX", "BR", "AR", "GB", "IE", "DE", "FR", "ES",
          "IT", "NL", "SE", "PL", "IN", "JP", "KR", "AU", "NZ", "ZA", "NG");

  private static final Pattern GEO = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");

  public SyntheticSettings {
    Objects.requireNonNull(clock, "clock");
    geos = List.copyOf(Objects.requireNonNull(geos, "geos"));
    check(categories >= 1, "categories must be at least 1");
    check(entitiesPerCategory >= 1, "entitiesPerCategory must be at least 1");
    check(users >= 1, "users must be at least 1");
    check(!geos.isEmpty(), "geos must not be empty");
    for (String geo : geos) {
      check(GEO.matcher(geo).matches(), "not an ISO 3166-1 alpha-2 code: " + geo);
    }
    check(duplicateShare >= 0 && duplicateShare <= 0.9, "duplicateShare must be in [0, 0.9]");
    check(lateShare >= 0 && lateShare <= 1, "lateShare must be in [0, 1]");
    check(duplicateShare + lateShare <= 1, "duplicateShare + lateShare must not exceed 1");
    check(maxDisorderMillis >= 0, "maxDisorderMillis must not be negative");
    check(maxLatenessMillis >= 1, "maxLatenessMillis must be at least 1");
    check(entitySkew >= 0 && Double.isFinite(entitySkew), "entitySkew must be >= 0");
    check(hotKeySkew >= 0 && Double.isFinite(hotKeySkew), "hotKeySkew must be >= 0");
    check(rate >= 0 && Double.isFinite(rate), "rate must be >= 0");
    check(simulatedRate > 0 && Double.isFinite(simulatedRate), "simulatedRate must be > 0");
    check(startMillis >= 0, "startMillis must not be negative");
    check(maxEvents >= 0, "maxEvents must not be negative (0 = unbounded)");
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * The defaults: 1,000 categories, 100 entities each, 100k users, 5% duplicates, disorder up to 5
   * s, no late events, no hot keys, a simulated clock at 10,000 events per event-second from
   * 2024-01-01, unbounded.
   */
  public static SyntheticSettings defaults() {
    return new SyntheticSettings(
        42L,
        1_000,
        100,
        1.0,
        100_000,
        DEFAULT_GEOS,
        0.05,
        5_000L,
        0.0,
        300_000L,
        0.0,
        Clock.SIMULATED,
        DEFAULT_SIMULATED_START,
        0.0,
        10_000.0,
        0L);
  }

  /** Live mode at {@code eventsPerSecond}, due from when the source is created. */
  public static SyntheticSettings live(double eventsPerSecond) {
    return defaults().withClock(Clock.LIVE).withStartMillis(0).withRate(eventsPerSecond);
  }

  /** Whether the stream ends after {@link #maxEvents} events. */
  public boolean bounded() {
    return maxEvents > 0;
  }

  /** A LIVE setting with no start yet gets {@code nowMillis}; every other setting is kept. */
  public SyntheticSettings anchoredAt(long nowMillis) {
    return clock == Clock.LIVE && startMillis == 0 ? withStartMillis(nowMillis) : this;
  }

  public SyntheticSettings withSeed(long value) {
    return new SyntheticSettings(
        value,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withCategories(int value) {
    return new SyntheticSettings(
        seed,
        value,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withEntitiesPerCategory(int value) {
    return new SyntheticSettings(
        seed,
        categories,
        value,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withEntitySkew(double value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        value,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withUsers(int value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        value,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withGeos(List<String> value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        value,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withDuplicateShare(double value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        value,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withMaxDisorderMillis(long value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        value,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withLateShare(double value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        value,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withMaxLatenessMillis(long value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        value,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withHotKeySkew(double value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        value,
        clock,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withClock(Clock value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        value,
        startMillis,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withStartMillis(long value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        value,
        rate,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withRate(double value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        value,
        simulatedRate,
        maxEvents);
  }

  public SyntheticSettings withSimulatedRate(double value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        value,
        maxEvents);
  }

  public SyntheticSettings withMaxEvents(long value) {
    return new SyntheticSettings(
        seed,
        categories,
        entitiesPerCategory,
        entitySkew,
        users,
        geos,
        duplicateShare,
        maxDisorderMillis,
        lateShare,
        maxLatenessMillis,
        hotKeySkew,
        clock,
        startMillis,
        rate,
        simulatedRate,
        value);
  }
}
