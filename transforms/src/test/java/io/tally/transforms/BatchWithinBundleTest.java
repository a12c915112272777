package io.tally.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The batching function driven bundle by bundle, as a runner drives it. */
class BatchWithinBundleTest {
  private final BatchWithinBundle.BatchFn<String, String> fn = new BatchWithinBundle.BatchFn<>();
  private final List<String> leftAtTheEnd = new ArrayList<>();

  @Test
  void allOfAKeysValuesInABundleLeaveTogetherAtItsEndAtTheirEarliestTimestamp() {
    fn.startBundle();
    process("a", "a1", 10);
    process("b", "b1", 15);
    process("a", "a2", 5);

    fn.finishBundle(finishContext());
    assertThat(leftAtTheEnd).containsExactlyInAnyOrder("a=[a1, a2] @5", "b=[b1] @15");

    fn.startBundle();
    process("a", "a3", 40);
    fn.finishBundle(finishContext());
    assertThat(leftAtTheEnd).containsExactlyInAnyOrder("a=[a1, a2] @5", "b=[b1] @15", "a=[a3] @40");
  }

  private void process(String key, String value, long timestamp) {
    fn.process(KV.of(key, value), new Instant(timestamp));
  }

  private DoFn<KV<String, String>, KV<String, List<String>>>.FinishBundleContext finishContext() {
    return fn.new FinishBundleContext() {
      @Override
      public PipelineOptions getPipelineOptions() {
        return PipelineOptionsFactory.create();
      }

      @Override
      public void output(KV<String, List<String>> output, Instant at, BoundedWindow window) {
        assertThat(window).isEqualTo(GlobalWindow.INSTANCE);
        leftAtTheEnd.add(describe(output, at.getMillis()));
      }

      @Override
      public <T> void output(TupleTag<T> tag, T output, Instant at, BoundedWindow window) {
        throw new AssertionError("no other outputs");
      }
    };
  }

  private static String describe(KV<String, List<String>> output, long timestamp) {
    return output.getKey() + "=" + output.getValue() + " @" + timestamp;
  }
}
