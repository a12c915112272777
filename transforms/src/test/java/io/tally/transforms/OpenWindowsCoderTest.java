package io.tally.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import io.tally.model.codec.MetricSpecCodec;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricSpec;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class OpenWindowsCoderTest {

  private static MetricSpec spec(String metric) {
    return MetricCatalog.defaults().get(metric).orElseThrow().spec();
  }

  /**
   * A group's open windows as aggregation leaves them: hopping, counting mostly the same values.
   */
  private static OpenWindows openWindows(String metric) {
    MetricSpec spec = spec(metric);
    OpenWindows state = new OpenWindows(spec, new java.util.TreeMap<>(), true, 1_234L, 99_999L);
    Random random = new Random(7);
    for (int w = 0; w < 6; w++) {
      Accumulator accumulator = Accumulator.create(spec.fn());
      for (int i = 0; i < 2_000; i++) {
        accumulator.add(random.nextInt(10), "entity-" + random.nextInt(800));
      }
      state.byStart.put(w * 60_000L, new OpenWindows.Window(accumulator, 100L * w, w, w < 2));
    }
    return state;
  }

  private static void assertSameState(OpenWindows actual, OpenWindows expected) {
    assertThat(actual.spec).isEqualTo(expected.spec);
    assertThat(actual.earlyFiringScheduled).isEqualTo(expected.earlyFiringScheduled);
    assertThat(actual.lastEarlyFiringMillis).isEqualTo(expected.lastEarlyFiringMillis);
    assertThat(actual.scheduledDeadline).isEqualTo(expected.scheduledDeadline);
    assertThat(actual.byStart.keySet()).containsExactlyElementsOf(expected.byStart.keySet());
    for (Map.Entry<Long, OpenWindows.Window> entry : expected.byStart.entrySet()) {
      OpenWindows.Window window = actual.byStart.get(entry.getKey());
      assertThat(window.accumulator).isEqualTo(entry.getValue().accumulator);
      assertThat(window.emittedEvents).isEqualTo(entry.getValue().emittedEvents);
      assertThat(window.panes).isEqualTo(entry.getValue().panes);
      assertThat(window.onTimeFired).isEqualTo(entry.getValue().onTimeFired);
    }
  }

  /** The form versions before the shared value table wrote: each accumulator on its own. */
  private static byte[] earlierForm(OpenWindows state) {
    ByteSink out = new ByteSink();
    MetricSpecCodec.INSTANCE.write(state.spec, out);
    out.writeBoolean(state.earlyFiringScheduled);
    out.writeLong(state.lastEarlyFiringMillis);
    out.writeLong(state.scheduledDeadline);
    out.writeInt(state.byStart.size());
    state.byStart.forEach(
        (start, window) -> {
          out.writeLong(start);
          out.writeLong(window.emittedEvents);
          out.writeLong(window.panes);
          out.writeBoolean(window.onTimeFired);
          AccumulatorCodec.INSTANCE.write(window.accumulator, out);
        });
    return out.toByteArray();
  }

  @Test
  void everyKindOfWindowSurvivesACheckpoint() throws Exception {
    for (String metric :
        new String[] {"top_entities_by_category", "events_by_category", "distinct_users_by_geo"}) {
      OpenWindows state = openWindows(metric);
      assertSameState(CoderUtils.clone(OpenWindowsCoder.of(), state), state);
    }
  }

  @Test
  void stateOfEarlierVersionsIsStillRead() throws Exception {
    for (String metric : new String[] {"top_entities_by_category", "events_by_category"}) {
      OpenWindows state = openWindows(metric);
      assertSameState(OpenWindowsCoder.of().read(new ByteSource(earlierForm(state))), state);
    }
  }

  @Test
  void hoppingTopKWindowsTakeAQuarterOfTheirEarlierSpace() throws Exception {
    OpenWindows state = openWindows("top_entities_by_category");
    int now = CoderUtils.encodeToByteArray(OpenWindowsCoder.of(), state).length;
    assertThat(now).isLessThan(earlierForm(state).length / 4);
  }
}
