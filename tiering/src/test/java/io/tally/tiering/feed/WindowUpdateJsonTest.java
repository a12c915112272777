package io.tally.tiering.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
