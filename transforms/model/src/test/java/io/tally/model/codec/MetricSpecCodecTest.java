package io.tally.model.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricSpecCodecTest {

  @Test
  void roundTripsEveryFunction() throws Exception {
    for (AggregateFunction fn : AggregateFunction.values()) {
      MetricSpec spec =
          new MetricSpec(
              "m_" + fn.wireName(),
              3,
              fn,
              fn == AggregateFunction.TOPK ? 1000 : 0,
              300_000,
              60_000,
              604_800_000L,
              List.of("geo", "attrs.team"));
      ByteSink out = new ByteSink();
      MetricSpecCodec.INSTANCE.write(spec, out);
      // a second spec in the same buffer: the encoding must be self-delimiting
      MetricSpecCodec.INSTANCE.write(
          new MetricSpec("second", 1, AggregateFunction.COUNT, 0, 1, 1, 0, List.of()), out);
      ByteSource in = new ByteSource(out.toByteArray());
      assertThat(MetricSpecCodec.INSTANCE.read(in)).isEqualTo(spec);
      assertThat(MetricSpecCodec.INSTANCE.read(in).metric()).isEqualTo("second");
    }
  }

  @Test
  void wireNamesRoundTrip() {
    for (AggregateFunction fn : AggregateFunction.values()) {
      assertThat(AggregateFunction.fromWireName(fn.wireName())).isEqualTo(fn);
    }
    assertThat(AggregateFunction.DISTINCT.needsField()).isTrue();
    assertThat(AggregateFunction.TOPK.needsField()).isTrue();
    assertThat(AggregateFunction.SUM.needsField()).isFalse();
  }
}
