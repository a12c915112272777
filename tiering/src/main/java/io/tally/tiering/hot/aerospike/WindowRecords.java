package io.tally.tiering.hot.aerospike;

import com.aerospike.client.Bin;
import com.aerospike.client.Key;
import com.aerospike.client.exp.Exp;
import com.aerospike.client.exp.Expression;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.feed.WindowUpdateJson;
import io.tally.tiering.hot.WindowQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layout of one window in Aerospike: its key, its bins, its TTL and the expressions that guard
 * writes and filter range reads. No I/O here, so all of it is unit-tested without a server.
 *
 * <h2>Key</h2>
 *
 * One record per (metric, version, group values, window start). The user key is the compact JSON
 * array {@code ["views",1,["US","movies"],1700000000000]} — the same shape as the change feed's
 * record key ({@link WindowUpdateJson#key}). JSON quoting makes it unambiguous (no separator can
 * collide with a value) and it is stable across JVMs. Aerospike hashes (set, user key) into the
 * record digest; the user key is also stored ({@code sendKey}) for inspection with {@code aql}.
 *
 * <h2>Bins (typed; names at most 15 characters)</h2>
 *
 * <pre>
 * metric  string          version int           fn      string (wire name: count, sum, ...)
 * groupBy list of string  group   list of string
 * start   int (epoch ms, inclusive)              end     int (epoch ms, exclusive)
 * events  int             final   int 0/1 (an int, not a bool bin, so servers before 5.6 work)
 * timing  string (early, on_time, late)          pane    int
 * value   string: the JSON of the value as the contract shows it ({@link WindowUpdateJson#value}):
 *         a number, null (a non-finite scalar), or [{"key":..,"count":..}] for top-K
 * acc     bytes: {@link AccumulatorCoder#toBytes}; absent when the update carries none
 * </pre>
 */
public final class WindowRecords {
  static final String METRIC = "metric";
  static final String VERSION = "version";
  static final String FN = "fn";
  static final String GROUP_BY = "groupBy";
  static final String GROUP = "group";
  static final String START = "start";
  static final String END = "end";
  static final String EVENTS = "events";
  static final String FINAL = "final";
  static final String TIMING = "timing";
  static final String PANE = "pane";
  static final String VALUE = "value";
  static final String ACCUMULATOR = "acc";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private WindowRecords() {}

  /** The deterministic user key of a window; see the class comment. */
  public static String userKey(WindowKey key) {
    ArrayNode json = JSON.arrayNode();
    json.add(key.metric()).add(key.version());
    ArrayNode group = json.addArray();
    key.group().forEach(group::add);
    json.add(key.startMillis());
    try {
      return MAPPER.writeValueAsString(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Key key(String namespace, String set, WindowKey key) {
    return new Key(namespace, set, userKey(key));
  }

  public static Bin[] bins(WindowUpdate u) {
    List<Bin> bins = new ArrayList<>(13);
    bins.add(new Bin(METRIC, u.metric()));
    bins.add(new Bin(VERSION, u.version()));
    bins.add(new Bin(FN, u.fn().wireName()));
    bins.add(new Bin(GROUP_BY, u.groupBy()));
    bins.add(new Bin(GROUP, u.group()));
    bins.add(new Bin(START, u.startMillis()));
    bins.add(new Bin(END, u.endMillis()));
    bins.add(new Bin(EVENTS, u.events()));
    bins.add(new Bin(FINAL, u.isFinal() ? 1L : 0L));
    bins.add(new Bin(TIMING, u.timing().wireName()));
    bins.add(new Bin(PANE, u.paneIndex()));
    try {
      bins.add(
          new Bin(VALUE, MAPPER.writeValueAsString(WindowUpdateJson.value(u.fn(), u.value()))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (u.accumulator() != null) {
      bins.add(new Bin(ACCUMULATOR, AccumulatorCodec.toBytes(u.accumulator())));
    }
    return bins.toArray(new Bin[0]);
  }

  /** Reads what {@link #bins} wrote, as the client returns it ({@code Record.bins}). */
  public static WindowUpdate fromBins(Map<String, Object> bins) {
    try {
      AggregateFunction fn = AggregateFunction.fromWireName(string(bins, FN));
      byte[] acc = (byte[]) bins.get(ACCUMULATOR);
      return new WindowUpdate(
          string(bins, METRIC),
          number(bins, VERSION),
          fn,
          strings(bins, GROUP_BY),
          strings(bins, GROUP),
          number(bins, START),
          number(bins, END),
          WindowUpdateJson.readValue(MAPPER.readTree(string(bins, VALUE))),
          number(bins, EVENTS),
          Timing.fromWireName(string(bins, TIMING)),
          number(bins, FINAL) != 0,
          number(bins, PANE),
          acc == null ? null : AccumulatorCodec.fromBytes(acc));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a hot-tier window record: " + e.getMessage(), e);
    }
  }

  /**
   * The record's time to live, in seconds: the window's size plus {@code retentionAfterEndMillis}
   * (allowed lateness plus horizon), rounded up, at least 1 (0 would mean the namespace default, -1
   * never). Every stored write resets it.
   */
  public static int ttlSeconds(WindowUpdate u, long retentionAfterEndMillis) {
    long size = Math.max(0, u.endMillis() - u.startMillis());
    long millis = size + Math.max(0, retentionAfterEndMillis);
    long seconds = (millis + 999) / 1000;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds));
  }

  /**
   * The write guard, the server-side form of {@link WindowUpdate#supersedes}: write when the record
   * has no {@code events} bin (it does not exist), or stored events &lt; new events, or — only for
   * a final update — stored events == new events and the stored window is not final.
   */
  public static Exp supersedesStored(WindowUpdate u) {
    Exp notStored = Exp.not(Exp.binExists(EVENTS));
    Exp moreEvents = Exp.lt(Exp.intBin(EVENTS), Exp.val(u.events()));
    if (!u.isFinal()) {
      return Exp.or(notStored, moreEvents);
    }
    Exp finalizes =
        Exp.and(
            Exp.eq(Exp.intBin(EVENTS), Exp.val(u.events())),
            Exp.eq(Exp.intBin(FINAL), Exp.val(0L)));
    return Exp.or(notStored, moreEvents, finalizes);
  }

  public static Expression writeFilter(WindowUpdate u) {
    return Exp.build(supersedesStored(u));
  }

  /**
   * The server-side part of a range read: the metric and {@code from <= start < to}. The group
   * conditions ({@code where}) are applied on the client with {@link WindowQuery#matches}.
   */
  public static Expression rangeFilter(WindowQuery q) {
    return Exp.build(
        Exp.and(
            Exp.eq(Exp.stringBin(METRIC), Exp.val(q.metric())),
            Exp.ge(Exp.intBin(START), Exp.val(q.fromMillis())),
            Exp.lt(Exp.intBin(START), Exp.val(q.toMillis()))));
  }

  private static String string(Map<String, Object> bins, String name) {
    Object value = bins.get(name);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("bin '" + name + "' is missing or not a string");
    }
    return (String) value;
  }

  private static long number(Map<String, Object> bins, String name) {
    Object value = bins.get(name);
    if (!(value instanceof Number)) {
      throw new IllegalArgumentException("bin '" + name + "' is missing or not an integer");
    }
    return ((Number) value).longValue();
  }

  private static List<String> strings(Map<String, Object> bins, String name) {
    Object value = bins.get(name);
    if (!(value instanceof List)) {
      throw new IllegalArgumentException("bin '" + name + "' is missing or not a list");
    }
    List<String> result = new ArrayList<>();
    for (Object item : (List<?>) value) {
      result.add(String.valueOf(item));
    }
    return result;
  }
}
