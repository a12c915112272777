package io.tally.it.history;

import static io.tally.it.history.HistoryEvents.DAY0;
import static io.tally.it.history.HistoryEvents.HOUR;
import static io.tally.it.history.HistoryEvents.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.it.support.ClickHouseServer;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.sinks.WriteToHistoryStore;
import io.tally.tiering.history.ClickHouseConfig;
import io.tally.tiering.history.ClickHouseHistoryStore;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreProvider;
import io.tally.tiering.history.MetricSpecs;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.hot.WindowQuery;
import io.tally.transforms.coders.WindowUpdateCoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pipeline's history sink on the direct runner, writing to a real ClickHouse. */
@ExtendWith(ClickHouseServer.class)
class HistorySinkIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(HistorySinkIT.class);

  @Test
  void finalUpdatesAreWrittenOnceInBatchesAndOthersIgnored() {
    MetricSpec spec = HistoryEvents.spec("sunk", AggregateFunction.DISTINCT, MINUTE, MINUTE);
    ClickHouseConfig config = ClickHouseServer.config(DATABASE);
    MetricSpecs specs = MetricSpecs.of(Map.of(spec.metric(), spec));
    HistoryStoreProvider provider = () -> new ClickHouseHistoryStore(config, specs);
    provider.open().createSchema();

    List<WindowUpdate> finals =
        HistoryEvents.finalUpdates(spec, HistoryEvents.events(8, 5_000, DAY0, HOUR, 300, 10));
    List<WindowUpdate> input = new ArrayList<>(finals);
    for (WindowUpdate f : finals) {
      // An early pane of every window: not for the history tier.
      input.add(
          new WindowUpdate(
              f.metric(),
              f.version(),
              f.fn(),
              f.groupBy(),
              f.group(),
              f.startMillis(),
              f.endMillis(),
              f.value(),
              f.events() - 1,
              Timing.EARLY,
              false,
              0,
              null));
    }
    // Every final window twice, as a retried bundle would write it.
    input.addAll(finals);

    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    pipeline
        .apply(Create.of(input).withCoder(WindowUpdateCoder.of()))
        .apply(WriteToHistoryStore.to(provider).withMaxBatchSize(50));
    pipeline.run().waitUntilFinish();

    HistoryStore store = provider.open();
    List<WindowUpdate> read =
        store.windows(Resolution.MINUTE, new WindowQuery("sunk", DAY0, DAY0 + HOUR, Map.of()));
    assertThat(read).hasSize(finals.size());
    assertThat(read.stream().mapToLong(WindowUpdate::events).sum()).isEqualTo(5_000);
  }
}
