package io.tally.pipelines.synthetic;

import io.tally.pipelines.synthetic.SyntheticSettings.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic, random-access generator of events in the contract's wire format.
 *
 * <p>Event {@code i} is a pure function of the settings and {@code i} (each field is drawn from a
 * hash of the seed and the position, never from a shared random state), so any position can be
 * produced cheaply and in any order: a source split into N sub-streams hands position {@code i} to
 * sub-stream {@code i mod N}, and the union is the same stream whatever N is. The JSON is written
 * with a {@link StringBuilder}; all generated strings are JSON-safe so nothing needs escaping.
 *
 * <p><b>Duplicates.</b> A position is a duplicate when it re-emits the exact JSON of an earlier,
 * fresh position (same source and id, so the same identity). The earlier position is drawn from a
 * short look-back and must still be within the disorder bound of the current event clock, so that
 * duplicates never break the source's watermark; when it is not, the position stays fresh.
 *
 * <p><b>Time.</b> Each position has an event-clock instant ({@link #clockAt}); an event's time is
 * that instant minus a uniform delay in {@code [0, maxDisorderMillis]}, or, for late events, minus
 * more than {@code maxDisorderMillis}. So every on-time event at position {@code i} has a time in
 * {@code [clockAt(i) - maxDisorderMillis, clockAt(i)]}.
 *
 * <p><b>Ground truth.</b> {@link #describe}, {@link #distinctCount} and {@link
 * #distinctCountsByCategory} tell tests what a correct pipeline must count.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class SyntheticEvents {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long STREAM = 0xD1B54A32D192ED03L;

  private static final int S_POSITION = 1;
  private static final int S_TIME = 2;
  private static final int S_CATEGORY = 3;
  private static final int S_ENTITY = 4;
  private static final int S_MISC = 5;

  private static final int MAX_LOOKBACK = 1_000;

  private static final Domain[] DOMAINS = {
    new Domain(
        CategoryNames.MOVIES,
        "movie-",
        new String[] {"movies-web", "movies-ios", "movies-android", "movies-tv"},
        "device",
        new String[] {"web", "ios", "android", "tv"},
        new String[] {"movie.view", "movie.rating", "movie.release"},
        new double[] {0.90, 0.98, 1.0},
        new long[][] {{1, 1}, {1, 5}, {1, 1}}),
    new Domain(
        CategoryNames.SPORTS,
        "team-",
        new String[] {"scores-feed", "sports-app"},
        "period",
        new String[] {"q1", "q2", "q3", "q4"},
        new String[] {"sports.score", "sports.view"},
        new double[] {0.60, 1.0},
        new long[][] {{0, 6}, {1, 1}}),
    new Domain(
        CategoryNames.TICKETS,
        "drop-",
        new String[] {"tickets-api", "tickets-web"},
        "currency",
        new String[] {"USD", "EUR", "GBP"},
        new String[] {"ticket.view", "ticket.sale", "ticket.drop"},
        new double[] {0.70, 0.95, 1.0},
        new long[][] {{1, 1}, {20, 300}, {50, 5000}})
  };

  private final SyntheticSettings settings;
  private final long seedMix;
  private final String idPrefix;
  private final List<String> categories;

  /** Per category: its domain's index in {@link #DOMAINS}. */
  private final int[] categoryDomain;

  /** Per category: {@code <domain prefix><category index>-}; the entity's rank follows. */
  private final String[] entityPrefix;

  /** Popularity rank → category index (a seeded permutation, so hot keys span domains). */
  private final int[] rankToCategory;

  /** Cumulative Zipf weights over category ranks; null when uniform. */
  private final double[] categoryCdf;

  /** Cumulative Zipf weights over entity ranks; null when uniform. */
  private final double[] entityCdf;

  private final long lookback;
  private final double millisPerEvent;

  public SyntheticEvents(SyntheticSettings settings) {
    this.settings = settings.anchoredAt(System.currentTimeMillis());
    this.seedMix = mix(settings.seed() ^ 0x5DEECE66DL);
    this.idPrefix = "evt-" + Long.toHexString(settings.seed()) + "-";
    this.categories = List.copyOf(CategoryNames.first(settings.categories()));
    int n = categories.size();
    this.categoryDomain = new int[n];
    this.entityPrefix = new String[n];
    for (int c = 0; c < n; c++) {
      String domain = CategoryNames.domainOf(categories.get(c));
      int d = 0;
      while (!DOMAINS[d].name.equals(domain)) {
        d++;
      }
      categoryDomain[c] = d;
      entityPrefix[c] = DOMAINS[d].entityPrefix + c + "-";
    }
    this.rankToCategory = permutation(n, new SplittableRandom(settings.seed()));
    this.categoryCdf = zipfCdf(n, settings.hotKeySkew());
    this.entityCdf = zipfCdf(settings.entitiesPerCategory(), settings.entitySkew());

    double eventsPerSecond =
        this.settings.clock() == Clock.SIMULATED ? settings.simulatedRate() : settings.rate();
    this.millisPerEvent = eventsPerSecond > 0 ? 1000.0 / eventsPerSecond : 0;
    // Look back over at most ~2% of the disorder bound, so nearly every duplicate candidate is
    // still within it (a candidate that is not turns back into a fresh event).
    long window =
        eventsPerSecond > 0
            ? (long) (eventsPerSecond * settings.maxDisorderMillis() / 1000.0 * 0.02)
            : MAX_LOOKBACK;
    this.lookback = Math.max(1, Math.min(MAX_LOOKBACK, window));
  }

  public static SyntheticEvents of(SyntheticSettings settings) {
    return new SyntheticEvents(settings);
  }

  /** The settings, with a LIVE start anchored to when this generator was made if it had none. */
  public SyntheticSettings settings() {
    return settings;
  }

  /** Every category path, by category index. */
  public List<String> categories() {
    return categories;
  }

  // ---------------------------------------------------------------------------------------------
  // Time

  /**
   * The event clock at position {@code i}. SIMULATED and LIVE with a rate: {@code start + i/rate}
   * (in LIVE that is also when the event is due); LIVE without a rate: the wall clock now.
   */
  public long clockAt(long i) {
    if (millisPerEvent == 0) {
      return System.currentTimeMillis();
    }
    return settings.startMillis() + (long) (i * millisPerEvent);
  }

  /** The event time of position {@code i} (of the event it repeats, for a duplicate). */
  public long timestampAt(long i) {
    long now = millisPerEvent == 0 ? System.currentTimeMillis() : 0;
    long o = originalOf(i, now);
    return timestampOf(o, clock(o, now));
  }

  private long clock(long i, long now) {
    return millisPerEvent == 0 ? now : settings.startMillis() + (long) (i * millisPerEvent);
  }

  private boolean isLate(long fresh) {
    return settings.lateShare() > 0 && unit(hash(fresh, S_TIME)) < settings.lateShare();
  }

  private long timestampOf(long fresh, long clock) {
    long h = hash(fresh, S_TIME);
    long d = settings.maxDisorderMillis();
    long r = mix(h);
    if (settings.lateShare() > 0 && unit(h) < settings.lateShare()) {
      return Math.max(0, clock - d - 1 - Long.remainderUnsigned(r, settings.maxLatenessMillis()));
    }
    return Math.max(0, clock - Long.remainderUnsigned(r, d + 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Duplicates

  /** Whether position {@code i} repeats an earlier event. */
  public boolean isDuplicate(long i) {
    return originalOf(i) != i;
  }

  /** The fresh position whose event position {@code i} carries: {@code i} itself when fresh. */
  public long originalOf(long i) {
    return originalOf(i, millisPerEvent == 0 ? System.currentTimeMillis() : 0);
  }

  private long candidateOf(long i) {
    if (i == 0 || settings.duplicateShare() == 0) {
      return -1;
    }
    long h = hash(i, S_POSITION);
    if (unit(h) >= settings.duplicateShare()) {
      return -1;
    }
    long back = 1 + Long.remainderUnsigned(mix(h), Math.min(i, lookback));
    return i - back;
  }

  private long originalOf(long i, long now) {
    long candidate = candidateOf(i);
    if (candidate < 0) {
      return i;
    }
    long previous = candidateOf(candidate);
    if (previous < 0) {
      return accepts(i, candidate, now) ? candidate : i;
    }
    // A chain of duplicate candidates: resolve it from its fresh end forwards.
    long[] chain = new long[8];
    int length = 0;
    long at = i;
    long next = candidate;
    while (next >= 0) {
      if (length == chain.length) {
        chain = Arrays.copyOf(chain, length * 2);
      }
      chain[length++] = at;
      at = next;
      next = candidateOf(at);
    }
    long original = at;
    for (int k = length - 1; k >= 0; k--) {
      if (!accepts(chain[k], original, now)) {
        original = chain[k];
      }
    }
    return original;
  }

  /** Whether position {@code at} may re-send fresh event {@code original}. */
  private boolean accepts(long at, long original, long now) {
    return !isLate(original)
        && timestampOf(original, clock(original, now))
            >= clock(at, now) - settings.maxDisorderMillis();
  }

  // ---------------------------------------------------------------------------------------------
  // Fields

  private int categoryOf(long fresh) {
    double u = unit(hash(fresh, S_CATEGORY));
    int rank = categoryCdf == null ? (int) (u * rankToCategory.length) : sample(categoryCdf, u);
    return rankToCategory[rank];
  }

  private int entityRankOf(long entityHash) {
    double u = unit(entityHash);
    return entityCdf == null ? (int) (u * settings.entitiesPerCategory()) : sample(entityCdf, u);
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** The JSON of position {@code i}. */
  public String json(long i) {
    StringBuilder out = new StringBuilder(256);
    appendJson(i, out);
    return out.toString();
  }

  /** Appends the JSON of position {@code i} to {@code out}. */
  public void appendJson(long i, StringBuilder out) {
    long now = millisPerEvent == 0 ? System.currentTimeMillis() : 0;
    long o = originalOf(i, now);
    appendFresh(o, timestampOf(o, clock(o, now)), out);
  }

  /**
   * Appends the JSON of position {@code i} and returns its event time, for sources that need both.
   */
  long appendJsonReturningTimestamp(long i, StringBuilder out) {
    long now = millisPerEvent == 0 ? System.currentTimeMillis() : 0;
    long o = originalOf(i, now);
    long ts = timestampOf(o, clock(o, now));
    appendFresh(o, ts, out);
    return ts;
  }

  /**
   * The fields drawn for the event at original position {@code o}: one derivation for the JSON and
   * for {@link #describe}, so the ground truth can never drift from what is sent.
   */
  private record Drawn(
      int category, Domain domain, long entityHash, long misc, int sourceIndex, int typeIndex) {

    long value() {
      long[] range = domain.values[typeIndex];
      return range[0] + (misc >>> 32) % (range[1] - range[0] + 1);
    }
  }

  private Drawn draw(long o) {
    int c = categoryOf(o);
    Domain domain = DOMAINS[categoryDomain[c]];
    long misc = hash(o, S_MISC);
    return new Drawn(
        c,
        domain,
        hash(o, S_ENTITY),
        misc,
        (int) Long.remainderUnsigned(misc, domain.sources.length),
        domain.typeOf(unit(mix(misc))));
  }

  private void appendFresh(long o, long ts, StringBuilder out) {
    Drawn d = draw(o);
    Domain domain = d.domain();
    out.append("{\"id\":\"")
        .append(idPrefix)
        .append(o)
        .append("\",\"source\":\"")
        .append(domain.sources[d.sourceIndex()])
        .append("\",\"type\":\"")
        .append(domain.types[d.typeIndex()])
        .append("\",\"category\":\"")
        .append(categories.get(d.category()))
        .append("\",\"ts\":")
        .append(ts)
        .append(",\"geo\":\"")
        .append(geoOf(d.misc()))
        .append("\",\"entity\":\"")
        .append(entityPrefix[d.category()])
        .append(entityRankOf(d.entityHash()))
        .append("\",\"user\":\"u")
        .append(userOf(d.entityHash()))
        .append("\",\"value\":")
        .append(d.value())
        .append(",\"attrs\":{\"")
        .append(domain.attrKey)
        .append("\":\"")
        .append(attrOf(domain, d.sourceIndex(), d.misc() >>> 32))
        .append("\"}}");
  }

  private String geoOf(long misc) {
    List<String> geos = settings.geos();
    return geos.get((int) ((misc >>> 20) % geos.size()));
  }

  private long userOf(long entityHash) {
    return Long.remainderUnsigned(mix(entityHash), settings.users());
  }

  private static String attrOf(Domain domain, int sourceIndex, long miscHigh) {
    // Movies' device follows the source app; other attributes are drawn.
    if (domain.attrValues.length == domain.sources.length) {
      return domain.attrValues[sourceIndex];
    }
    return domain.attrValues[(int) ((miscHigh >>> 12) % domain.attrValues.length)];
  }

  /** Everything about position {@code i}; slower than {@link #json}, for tests and tools. */
  public SyntheticEvent describe(long i) {
    long now = millisPerEvent == 0 ? System.currentTimeMillis() : 0;
    long o = originalOf(i, now);
    Drawn d = draw(o);
    return new SyntheticEvent(
        i,
        o,
        clock(i, now),
        isLate(o),
        idPrefix + o,
        d.domain().sources[d.sourceIndex()],
        d.domain().types[d.typeIndex()],
        categories.get(d.category()),
        timestampOf(o, clock(o, now)),
        geoOf(d.misc()),
        entityPrefix[d.category()] + entityRankOf(d.entityHash()),
        "u" + userOf(d.entityHash()),
        d.value());
  }

  // ---------------------------------------------------------------------------------------------
  // Ground truth

  /** How many distinct events (by identity) positions {@code [0, n)} hold. */
  public long distinctCount(long n) {
    long distinct = 0;
    for (long i = 0; i < n; i++) {
      if (!isDuplicate(i)) {
        distinct++;
      }
    }
    return distinct;
  }

  /** Distinct events of positions {@code [0, n)} per category, in category order. */
  public Map<String, Long> distinctCountsByCategory(long n) {
    long[] counts = new long[categories.size()];
    for (long i = 0; i < n; i++) {
      if (!isDuplicate(i)) {
        counts[categoryOf(i)]++;
      }
    }
    Map<String, Long> byCategory = new LinkedHashMap<>();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0) {
        byCategory.put(categories.get(c), counts[c]);
      }
    }
    return byCategory;
  }

  /** The categories from hottest to coldest as the skew ranks them (for tests and tools). */
  public List<String> categoriesByPopularity() {
    List<String> ranked = new ArrayList<>(rankToCategory.length);
    for (int c : rankToCategory) {
      ranked.add(categories.get(c));
    }
    return ranked;
  }

  // ---------------------------------------------------------------------------------------------
  // Randomness

  private long hash(long i, int stream) {
    return mix(seedMix + i * GOLDEN + stream * STREAM);
  }

  /** SplitMix64's finalizer: a bijective, well-mixed hash of a long. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform double in [0, 1) from the top 53 bits. */
  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  private static int sample(double[] cdf, double u) {
    int index = Arrays.binarySearch(cdf, u);
    if (index < 0) {
      index = -index - 1;
    }
    return Math.min(index, cdf.length - 1);
  }

  private static double[] zipfCdf(int n, double exponent) {
    if (exponent == 0) {
      return null;
    }
    double[] cdf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1.0 / Math.pow(r + 1, exponent);
      cdf[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cdf[r] /= sum;
    }
    cdf[n - 1] = 1.0;
    return cdf;
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The vocabulary of one domain of categories. */
  private record Domain(
      String name,
      String entityPrefix,
      String[] sources,
      String attrKey,
      String[] attrValues,
      String[] types,
      double[] typeCdf,
      long[][] values) {

    int typeOf(double u) {
      int t = 0;
      while (t < typeCdf.length - 1 && u >= typeCdf[t]) {
        t++;
      }
      return t;
    }
  }
}
