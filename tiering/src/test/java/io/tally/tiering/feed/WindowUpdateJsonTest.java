package io.tally.tiering.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowUpdateJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final List<WindowUpdate> UPDATES =
      List.of(
          new WindowUpdate(
              "views",
              2,
              AggregateFunction.COUNT,
              List.of("geo", "type"),
              List.of("US", "a\"b"),
              60_000,
              120_000,
              new MetricValue.Scalar(7),
              7,
              Timing.EARLY,
              false,
              3,
              null),
          new WindowUpdate(
              "top",
              1,
              AggregateFunction.TOPK,
              List.of(),
              List.of(),
              0,
              300_000,
              new MetricValue.Ranking(
                  List.of(
                      new MetricValue.RankedItem("m1", 5), new MetricValue.RankedItem("m2", 1))),
              6,
              Timing.LATE,
              true,
              9,
              null),
          new WindowUpdate(
              "per_second",
              1,
              AggregateFunction.RATE,
              List.of("category"),
              List.of("sports/nba"),
              0,
              60_000,
              new MetricValue.Scalar(0.05),
              3,
              Timing.ON_TIME,
              false,
              0,
              null));

  @Test
  void bytesAreTheTreeWrittenOut() throws Exception {
    for (WindowUpdate update : UPDATES) {
      assertThat(new String(WindowUpdateJson.toBytes(update), StandardCharsets.UTF_8))
          .isEqualTo(MAPPER.writeValueAsString(WindowUpdateJson.toJson(update)));
    }
  }

  /**
   * Random updates, with text of every kind a group value or item may hold (quotes, backslashes,
   * every control character, non-ASCII, characters beyond the BMP) and numbers of every size: the
   * bytes are what Jackson writes for the same window as a tree.
   */
  @Test
  void bytesAreTheTreeWrittenOutForAnyTextAndNumber() throws Exception {
    Random random = new Random(42);
    for (int n = 0; n < 2_000; n++) {
      WindowUpdate update = randomUpdate(random);
      List<Long> versions = random.nextInt(4) == 0 ? List.of(1L, 3L, 7L) : null;
      String expected =
          MAPPER.writeValueAsString(
              versions == null
                  ? WindowUpdateJson.toJson(update)
                  : WindowUpdateJson.toJson(update).set("versions", MAPPER.valueToTree(versions)));
      assertThat(new String(WindowUpdateJson.toBytes(update, versions), StandardCharsets.UTF_8))
          .isEqualTo(expected);
      assertThat(WindowUpdateJson.fromBytes(WindowUpdateJson.toBytes(update))).isEqualTo(update);
      assertThat(new String(WindowUpdateJson.key(update), StandardCharsets.UTF_8))
          .isEqualTo(
              MAPPER.writeValueAsString(
                  List.of(
                      update.metric(), update.version(), update.group(), update.startMillis())));
    }
  }

  private static WindowUpdate randomUpdate(Random random) {
    AggregateFunction fn =
        AggregateFunction.values()[random.nextInt(AggregateFunction.values().length)];
    List<String> groupBy = new ArrayList<>();
    List<String> group = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      groupBy.add("d" + i + randomText(random));
      group.add(randomText(random));
    }
    MetricValue value;
    if (fn == AggregateFunction.TOPK) {
      List<MetricValue.RankedItem> items = new ArrayList<>();
      for (int i = random.nextInt(12); i > 0; i--) {
        items.add(new MetricValue.RankedItem(randomText(random), random.nextLong() >>> 1));
      }
      value = new MetricValue.Ranking(items);
    } else {
      double[] special = {Double.NaN, 0.0, -0.0, 1e-9, 1e21, 123456789.125, Double.MAX_VALUE};
      double number =
          random.nextInt(3) == 0
              ? special[random.nextInt(special.length)]
              : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10);
      boolean whole = fn == AggregateFunction.COUNT || fn == AggregateFunction.DISTINCT;
      // Counts are whole numbers, and written as such.
      value =
          new MetricValue.Scalar(whole && Double.isFinite(number) ? Math.round(number) : number);
    }
    long start = (random.nextLong() >>> 24) / 1000 * 1000 + (random.nextBoolean() ? 0 : 123);
    return new WindowUpdate(
        randomText(random),
        random.nextInt(1_000),
        fn,
        groupBy,
        group,
        start,
        start + 60_000,
        value,
        random.nextLong() >>> 1,
        Timing.values()[random.nextInt(Timing.values().length)],
        random.nextBoolean(),
        random.nextInt(10_000),
        null);
  }

  /** Text from every range a string may hold, surrogate pairs whole. */
  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      switch (random.nextInt(6)) {
        case 0 -> text.append((char) random.nextInt(0x20)); // control characters
        case 1 -> text.append("\"\\/\u007f".charAt(random.nextInt(4)));
        case 2 -> text.append((char) (0x80 + random.nextInt(0x780))); // two UTF-8 bytes
        case 3 -> text.append((char) (0x800 + random.nextInt(0xD000))); // three, below surrogates
        case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0xFFFFF)); // a surrogate pair
        default -> text.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return text.toString();
  }

  @Test
  void readsBackWhatItWrote() {
    for (WindowUpdate update : UPDATES) {
      assertThat(WindowUpdateJson.fromBytes(WindowUpdateJson.toBytes(update))).isEqualTo(update);
    }
  }

  @Test
  void readsFieldsInAnyOrderAndSkipsUnknownOnes() {
    String json =
        "{\"extra\":{\"a\":[1,{\"b\":2}]},\"pane\":4,\"timing\":\"late\",\"final\":true,"
            + "\"events\":9,\"value\":[{\"count\":5,\"key\":\"x\",\"more\":[1]}],"
            + "\"group\":{\"category\":\"c\"},\"end\":\"1970-01-01T00:01:00Z\","
            + "\"start\":\"1970-01-01T00:00:00Z\",\"fn\":\"topk\",\"version\":\"3\",\"metric\":\"m\"}";
    assertThat(WindowUpdateJson.fromBytes(json.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(
            new WindowUpdate(
                "m",
                3,
                AggregateFunction.TOPK,
                List.of("category"),
                List.of("c"),
                0,
                60_000,
                new MetricValue.Ranking(List.of(new MetricValue.RankedItem("x", 5))),
                9,
                Timing.LATE,
                true,
                4,
                null));
  }

  @Test
  void theKeyNamesMetricVersionGroupValuesAndStart() {
    assertThat(new String(WindowUpdateJson.key(UPDATES.get(0)), StandardCharsets.UTF_8))
        .isEqualTo("[\"views\",2,[\"US\",\"a\\\"b\"],60000]");
    assertThat(new String(WindowUpdateJson.key(UPDATES.get(1)), StandardCharsets.UTF_8))
        .isEqualTo("[\"top\",1,[],0]");
  }
}
