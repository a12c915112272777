package io.tally.transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Gathers the values of each key within a bundle into one list, emitted when the bundle ends, so
 * that a keyed stateful stage downstream reads and writes a key's state once per bundle rather than
 * once per value. It holds nothing across bundles: a bundle's output leaves before the watermark
 * moves past it, and a failed bundle is retried whole.
 *
 * <p>For collections in the global window, as this pipeline's are.
 */
public final class BatchWithinBundle<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, List<V>>>> {

  public static <K, V> BatchWithinBundle<K, V> create() {
    return new BatchWithinBundle<>();
  }

  private BatchWithinBundle() {}

  @Override
  public PCollection<KV<K, List<V>>> expand(PCollection<KV<K, V>> input) {
    KvCoder<K, V> coder = (KvCoder<K, V>) input.getCoder();
    Coder<K> keyCoder = coder.getKeyCoder();
    return input
        .apply("Batch", ParDo.of(new BatchFn<K, V>()))
        .setCoder(KvCoder.of(keyCoder, ListCoder.of(coder.getValueCoder())));
  }

  static final class BatchFn<K, V> extends DoFn<KV<K, V>, KV<K, List<V>>> {
    private transient Map<K, Batch<V>> batches;

    /** The values of one key in this bundle, and the earliest of their timestamps. */
    private static final class Batch<V> {
      final List<V> values = new ArrayList<>();
      long earliest = Long.MAX_VALUE;
    }

    @StartBundle
    public void startBundle() {
      batches = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<K, V> element, @Timestamp Instant timestamp) {
      Batch<V> batch = batches.computeIfAbsent(element.getKey(), k -> new Batch<>());
      batch.values.add(element.getValue());
      batch.earliest = Math.min(batch.earliest, timestamp.getMillis());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<K, Batch<V>> entry : batches.entrySet()) {
        Batch<V> batch = entry.getValue();
        // The earliest timestamp of the batch: never behind the watermark where a value was not.
        context.output(
            KV.of(entry.getKey(), batch.values),
            new Instant(batch.earliest),
            GlobalWindow.INSTANCE);
      }
      batches = null;
    }
  }
}
