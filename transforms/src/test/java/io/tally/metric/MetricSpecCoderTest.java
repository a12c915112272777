package io.tally.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricSpecCoderTest {

  @Test
  void roundTripsEveryFunction() throws Exception {
    for (AggregateFunction fn : AggregateFunction.values()) {
      MetricSpec spec =
          new MetricSpec("m_" + fn.wireName(), 3, fn, fn == AggregateFunction.TOPK ? 1000 : 0,
              300_000, 60_000, 604_800_000L, List.of("geo", "attrs.team"));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      MetricSpecCoder.write(spec, new DataOutputStream(bytes));
      // a second spec in the same stream: the encoding must be self-delimiting
      MetricSpecCoder.write(
          new MetricSpec("second", 1, AggregateFunction.COUNT, 0, 1, 1, 0, List.of()),
          new DataOutputStream(bytes));
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
      assertThat(MetricSpecCoder.read(in)).isEqualTo(spec);
      assertThat(MetricSpecCoder.read(in).metric()).isEqualTo("second");
      assertThat(in.read()).isEqualTo(-1);
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
