package io.tally.tiering.hot.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.Bin;
import com.aerospike.client.Key;
import com.aerospike.client.exp.Exp;
import com.aerospike.client.exp.Expression;
import io.tally.model.aggregate.CountAccumulator;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.WindowQuery;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowRecordsTest {
  private static final long MINUTE = 60_000;

  private static WindowUpdate count(long events, boolean isFinal) {
    return new WindowUpdate(
        "views",
        1,
        AggregateFunction.COUNT,
        List.of("geo", "category"),
        List.of("US", "movies"),
        0,
        MINUTE,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        isFinal,
        4,
        null);
  }

  /** What the client hands back: the bins as a map (longs for ints, lists, byte arrays). */
  private static Map<String, Object> asRecord(Bin[] bins) {
    Map<String, Object> map = new HashMap<>();
    for (Bin bin : bins) {
      map.put(bin.name, bin.value.getObject());
    }
    return map;
  }

  @Test
  void userKeyIsAStableJsonArray() {
    WindowKey key = new WindowKey("views", 2, List.of("US", "movies/action"), 1_700_000_000_000L);
    assertThat(WindowRecords.userKey(key))
        .isEqualTo("[\"views\",2,[\"US\",\"movies/action\"],1700000000000]");
    assertThat(
            WindowRecords.userKey(
                new WindowKey("views", 2, List.of("US", "movies/action"), 1_700_000_000_000L)))
        .isEqualTo(WindowRecords.userKey(key));
    Key a = WindowRecords.key("ns", "set", key);
    Key b =
        WindowRecords.key(
            "ns",
            "set",
            new WindowKey("views", 2, List.of("US", "movies/action"), 1_700_000_000_000L));
    assertThat(a.digest).isEqualTo(b.digest);
    assertThat(a.namespace).isEqualTo("ns");
    assertThat(a.setName).isEqualTo("set");
  }

  @Test
  void distinctWindowsHaveDistinctKeys() {
    List<WindowKey> keys =
        List.of(
            new WindowKey("views", 1, List.of("US", "movies"), 0),
            new WindowKey("views", 2, List.of("US", "movies"), 0),
            new WindowKey("clicks", 1, List.of("US", "movies"), 0),
            new WindowKey("views", 1, List.of("US", "sports"), 0),
            new WindowKey("views", 1, List.of("US", "movies"), MINUTE),
            // separator look-alikes must not collide
            new WindowKey("views", 1, List.of("US,movies"), 0),
            new WindowKey("views", 1, List.of("US\",\"movies"), 0),
            new WindowKey("views", 1, List.of("", "movies"), 0),
            new WindowKey("views", 1, List.of(), 0),
            new WindowKey("views", 1, List.of(""), 0));
    Set<String> userKeys = new HashSet<>();
    Set<String> digests = new HashSet<>();
    for (WindowKey k : keys) {
      userKeys.add(WindowRecords.userKey(k));
      digests.add(java.util.HexFormat.of().formatHex(WindowRecords.key("ns", "s", k).digest));
    }
    assertThat(userKeys).hasSize(keys.size());
    assertThat(digests).hasSize(keys.size());
  }

  @Test
  void binsRoundTrip() {
    CountAccumulator acc = new CountAccumulator();
    for (int i = 0; i < 8; i++) {
      acc.add(1, null);
    }
    WindowUpdate withAcc =
        new WindowUpdate(
            "views",
            3,
            AggregateFunction.COUNT,
            List.of("geo"),
            List.of("US"),
            0,
            MINUTE,
            new MetricValue.Scalar(8),
            8,
            Timing.ON_TIME,
            true,
            2,
            acc);
    WindowUpdate sum =
        new WindowUpdate(
            "revenue",
            1,
            AggregateFunction.SUM,
            List.of("geo"),
            List.of("CA"),
            MINUTE,
            2 * MINUTE,
            new MetricValue.Scalar(0.1 + 0.2),
            2,
            Timing.LATE,
            false,
            7,
            null);
    WindowUpdate nan =
        new WindowUpdate(
            "rate",
            1,
            AggregateFunction.RATE,
            List.of(),
            List.of(),
            0,
            MINUTE,
            new MetricValue.Scalar(Double.NaN),
            0,
            Timing.EARLY,
            false,
            0,
            null);
    WindowUpdate topk =
        new WindowUpdate(
            "top",
            1,
            AggregateFunction.TOPK,
            List.of("category"),
            List.of("movies"),
            0,
            5 * MINUTE,
            new MetricValue.Ranking(
                List.of(new MetricValue.RankedItem("a\"b", 9), new MetricValue.RankedItem("c", 4))),
            13,
            Timing.EARLY,
            false,
            1,
            null);
    for (WindowUpdate u : List.of(count(5, false), withAcc, sum, nan, topk)) {
      assertThat(WindowRecords.fromBins(asRecord(WindowRecords.bins(u)))).isEqualTo(u);
    }
  }

  @Test
  void binNamesFitAerospikeLimitAndAccumulatorIsOptional() {
    Bin[] bins = WindowRecords.bins(count(5, true));
    for (Bin bin : bins) {
      assertThat(bin.name.length()).isLessThanOrEqualTo(15);
    }
    Map<String, Object> record = asRecord(bins);
    assertThat(record).doesNotContainKey("acc");
    assertThat(record)
        .containsEntry("events", 5L)
        .containsEntry("final", 1L)
        .containsEntry("start", 0L)
        .containsEntry("value", "5")
        .containsEntry("fn", "count")
        .containsEntry("timing", "early");
  }

  @Test
  void malformedRecordIsRejectedClearly() {
    Map<String, Object> record = asRecord(WindowRecords.bins(count(5, true)));
    record.remove("events");
    assertThatThrownBy(() -> WindowRecords.fromBins(record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events");
  }

  @Test
  void ttlIsWindowSizePlusRetentionInSeconds() {
    WindowUpdate minute = count(1, false);
    assertThat(WindowRecords.ttlSeconds(minute, 3_600_000)).isEqualTo(60 + 3600);
    assertThat(WindowRecords.ttlSeconds(minute, 0)).isEqualTo(60);
    assertThat(WindowRecords.ttlSeconds(minute, 1)).isEqualTo(61); // rounded up
    WindowUpdate empty =
        new WindowUpdate(
            "v",
            1,
            AggregateFunction.COUNT,
            List.of(),
            List.of(),
            5,
            5,
            new MetricValue.Scalar(0),
            0,
            Timing.EARLY,
            false,
            0,
            null);
    assertThat(WindowRecords.ttlSeconds(empty, 0)).isEqualTo(1); // never 0 (namespace default)
    WindowUpdate huge =
        new WindowUpdate(
            "v",
            1,
            AggregateFunction.COUNT,
            List.of(),
            List.of(),
            0,
            Long.MAX_VALUE / 2,
            new MetricValue.Scalar(0),
            0,
            Timing.EARLY,
            false,
            0,
            null);
    assertThat(WindowRecords.ttlSeconds(huge, 0)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void writeFilterHasTheExpectedStructure() {
    // the same tree written out by hand: not stored, or fewer events, or (final only) equal and not
    // final
    Expression nonFinal =
        Exp.build(
            Exp.or(Exp.not(Exp.binExists("events")), Exp.lt(Exp.intBin("events"), Exp.val(8L))));
    Expression isFinal =
        Exp.build(
            Exp.or(
                Exp.not(Exp.binExists("events")),
                Exp.lt(Exp.intBin("events"), Exp.val(8L)),
                Exp.and(
                    Exp.eq(Exp.intBin("events"), Exp.val(8L)),
                    Exp.eq(Exp.intBin("final"), Exp.val(0L)))));
    assertThat(WindowRecords.writeFilter(count(8, false))).isEqualTo(nonFinal);
    assertThat(WindowRecords.writeFilter(count(8, true))).isEqualTo(isFinal);
    assertThat(WindowRecords.writeFilter(count(8, false)).getBase64())
        .isEqualTo(nonFinal.getBase64());

    // the events value is baked in; final and non-final differ
    assertThat(WindowRecords.writeFilter(count(9, false))).isNotEqualTo(nonFinal);
    assertThat(WindowRecords.writeFilter(count(8, true)))
        .isNotEqualTo(WindowRecords.writeFilter(count(8, false)));
    // it serializes (msgpack) and reads back, and names the bins it guards on
    Expression built = WindowRecords.writeFilter(count(8, true));
    assertThat(Expression.fromBase64(built.getBase64())).isEqualTo(built);
    String raw = new String(built.getBytes(), StandardCharsets.ISO_8859_1);
    assertThat(raw).contains("events").contains("final");
  }

  @Test
  void rangeFilterHasTheExpectedStructure() {
    WindowQuery q = new WindowQuery("views", 10, 20, Map.of("geo", "US"));
    Expression expected =
        Exp.build(
            Exp.and(
                Exp.eq(Exp.stringBin("metric"), Exp.val("views")),
                Exp.ge(Exp.intBin("start"), Exp.val(10L)),
                Exp.lt(Exp.intBin("start"), Exp.val(20L))));
    assertThat(WindowRecords.rangeFilter(q)).isEqualTo(expected);
  }
}
