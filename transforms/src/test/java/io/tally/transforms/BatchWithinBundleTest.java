package io.tally.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.OutputBuilder;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The batching function driven bundle by bundle, as a runner drives it: what leaves at once and
 * what leaves with the end of the bundle.
 */
class BatchWithinBundleTest {
  private BatchWithinBundle.BatchFn<String, String> fn;
  private final List<String> leftAtOnce = new ArrayList<>();
  private final List<String> leftAtTheEnd = new ArrayList<>();

  @Test
  void firstAtOnceSendsAKeysFirstValueInABundleAtOnceAndTheRestTogetherAtItsEnd() {
    fn = new BatchWithinBundle.BatchFn<>(true);
    fn.startBundle();
    process("a", "a1", 10);
    process("a", "a2", 30);
    process("b", "b1", 15);
    process("a", "a3", 20);
    assertThat(leftAtOnce).containsExactly("a=[a1] @10", "b=[b1] @15");
    assertThat(leftAtTheEnd).isEmpty();

    fn.finishBundle(finishContext());
    // b had nothing more: no empty list; a's rest at the earliest of their timestamps.
    assertThat(leftAtTheEnd).containsExactly("a=[a2, a3] @20");

    fn.startBundle();
    process("a", "a4", 40);
    fn.finishBundle(finishContext());
    assertThat(leftAtOnce).containsExactly("a=[a1] @10", "b=[b1] @15", "a=[a4] @40");
    assertThat(leftAtTheEnd).containsExactly("a=[a2, a3] @20");
  }

  @Test
  void otherwiseAllOfAKeysValuesInABundleLeaveTogetherAtItsEnd() {
    fn = new BatchWithinBundle.BatchFn<>(false);
    fn.startBundle();
    process("a", "a1", 10);
    process("b", "b1", 15);
    process("a", "a2", 5);
    assertThat(leftAtOnce).isEmpty();

    fn.finishBundle(finishContext());
    assertThat(leftAtTheEnd).containsExactlyInAnyOrder("a=[a1, a2] @5", "b=[b1] @15");
  }

  private void process(String key, String value, long timestamp) {
    fn.process(
        KV.of(key, value),
        new Instant(timestamp),
        new DoFn.OutputReceiver<>() {
          @Override
          public OutputBuilder<KV<String, List<String>>> builder(KV<String, List<String>> value) {
            return WindowedValues.<KV<String, List<String>>>builder()
                .setValue(value)
                .setTimestamp(new Instant(timestamp))
                .setWindow(GlobalWindow.INSTANCE)
                .setPaneInfo(PaneInfo.NO_FIRING)
                .setReceiver(
                    out ->
                        leftAtOnce.add(describe(out.getValue(), out.getTimestamp().getMillis())));
          }
        });
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
