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
 * Gathers the values of each key within a bundle into lists, so that a keyed stateful stage
 * downstream reads and writes a busy key's state once or twice per bundle rather than once per
 * value. It holds nothing across bundles: a bundle's output leaves before the watermark moves past
 * it, and a failed bundle is retried whole.
 *
 * <ul>
 *   <li>{@link #create()}: all of a key's values leave together when the bundle ends, one record
 *       per key and bundle: for writers off the events' path, where only the cost counts;
 *   <li>{@link #firstAtOnce()}: a key's first value in a bundle leaves at once, alone, and its
 *       later values together when the bundle ends. A quiet key never waits for the end of a bundle
 *       (up to {@code --maxBundleTimeMills}, otherwise most of an event's time in the stage); a
 *       busy one costs one record more per bundle.
 * </ul>
 *
 * <p>For collections in the global window, as this pipeline's are.
 */
public final class BatchWithinBundle<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, List<V>>>> {

  private final boolean firstAtOnce;

  /** Each key's values of a bundle in one list, when the bundle ends. */
  public static <K, V> BatchWithinBundle<K, V> create() {
    return new BatchWithinBundle<>(false);
  }

  /** A key's first value of a bundle at once, the rest in one list when the bundle ends. */
  public static <K, V> BatchWithinBundle<K, V> firstAtOnce() {
    return new BatchWithinBundle<>(true);
  }

  private BatchWithinBundle(boolean firstAtOnce) {
    this.firstAtOnce = firstAtOnce;
  }

  @Override
  public PCollection<KV<K, List<V>>> expand(PCollection<KV<K, V>> input) {
    KvCoder<K, V> coder = (KvCoder<K, V>) input.getCoder();
    Coder<K> keyCoder = coder.getKeyCoder();
    return input
        .apply("Batch", ParDo.of(new BatchFn<K, V>(firstAtOnce)))
        .setCoder(KvCoder.of(keyCoder, ListCoder.of(coder.getValueCoder())));
  }

  static final class BatchFn<K, V> extends DoFn<KV<K, V>, KV<K, List<V>>> {
    private final boolean firstAtOnce;
    private transient Map<K, Batch<V>> batches;

    BatchFn(boolean firstAtOnce) {
      this.firstAtOnce = firstAtOnce;
    }

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
    public void process(
        @Element KV<K, V> element,
        @Timestamp Instant timestamp,
        OutputReceiver<KV<K, List<V>>> out) {
      Batch<V> batch = batches.get(element.getKey());
      if (batch == null) {
        batch = new Batch<>();
        batches.put(element.getKey(), batch);
        if (firstAtOnce) {
          // The key's first value in this bundle leaves now; later ones gather.
          out.output(KV.of(element.getKey(), List.of(element.getValue())));
          return;
        }
      }
      batch.values.add(element.getValue());
      batch.earliest = Math.min(batch.earliest, timestamp.getMillis());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<K, Batch<V>> entry : batches.entrySet()) {
        Batch<V> batch = entry.getValue();
        if (batch.values.isEmpty()) {
          continue;
        }
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
