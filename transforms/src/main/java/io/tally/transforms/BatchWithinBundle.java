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
 * Gathers the values of each key within a bundle into one list, emitted when the bundle ends,
 * so that a keyed stateful stage downstream reads and writes a key's state once per bundle
 * rather than once per value. It holds nothing across bundles: a bundle's output leaves before
 * the watermark moves past it, and a failed bundle is retried whole.
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
    private transient Map<K, List<V>> batches;
    private transient Map<K, Long> earliest;

    @StartBundle
    public void startBundle() {
      batches = new HashMap<>();
      earliest = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<K, V> element, @Timestamp Instant timestamp) {
      batches.computeIfAbsent(element.getKey(), k -> new ArrayList<>()).add(element.getValue());
      earliest.merge(element.getKey(), timestamp.getMillis(), Math::min);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<K, List<V>> batch : batches.entrySet()) {
        // The earliest timestamp of the batch: never behind the watermark where a value was not.
        context.output(
            KV.of(batch.getKey(), batch.getValue()),
            new Instant(earliest.get(batch.getKey())),
            GlobalWindow.INSTANCE);
      }
      batches = null;
      earliest = null;
    }
  }
}
