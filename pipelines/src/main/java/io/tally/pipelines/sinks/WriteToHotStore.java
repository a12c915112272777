package io.tally.pipelines.sinks;

import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.HotStoreProvider;
import io.tally.transforms.metrics.JobCounter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Applies window updates to the hot tier. The store keeps only updates that supersede what it
 * holds, so retried bundles and the duplicate panes some runners emit change nothing.
 */
public final class WriteToHotStore extends PTransform<PCollection<WindowUpdate>, PDone> {
  private final HotStoreProvider provider;

  private WriteToHotStore(HotStoreProvider provider) {
    this.provider = provider;
  }

  public static WriteToHotStore to(HotStoreProvider provider) {
    return new WriteToHotStore(provider);
  }

  @Override
  public PDone expand(PCollection<WindowUpdate> updates) {
    updates.apply("ApplyToHotStore", ParDo.of(new ApplyFn(provider)));
    return PDone.in(updates.getPipeline());
  }

  static final class ApplyFn extends DoFn<WindowUpdate, Void> {
    private final HotStoreProvider provider;
    private final JobCounter stale = JobCounter.of(WriteToHotStore.class, "stale_updates");
    private transient HotStore store;

    ApplyFn(HotStoreProvider provider) {
      this.provider = provider;
    }

    @Setup
    public void open() {
      store = provider.open();
    }

    @ProcessElement
    public void process(@Element WindowUpdate update) {
      if (!store.apply(update)) {
        stale.inc();
      }
    }
  }
}
