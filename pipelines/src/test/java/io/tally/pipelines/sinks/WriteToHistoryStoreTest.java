package io.tally.pipelines.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.Accumulator;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricSpec;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.history.HistoryStore;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.tiering.history.Resolution;
import io.tally.tiering.history.RollupResult;
import io.tally.tiering.hot.WindowQuery;
import io.tally.transforms.coders.WindowUpdateCoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;

/**
 * The history sink's buffering and retries on the direct runner, against a store that refuses its
 * first writes as an unreachable server does (the real server's case is HistoryOutageIT).
 */
class WriteToHistoryStoreTest {
  private static final Map<String, FlakyStore> STORES = new ConcurrentHashMap<>();
  private static final MetricSpec SPEC =
      new MetricSpec("views", 1, AggregateFunction.COUNT, 0, 60_000, 60_000, 0, List.of("geo"));

  /** Stores windows by key; refuses the first {@code failures} writes. */
  static final class FlakyStore implements HistoryStore {
    final Map<WindowKey, WindowUpdate> windows = new ConcurrentHashMap<>();
    final AtomicInteger failuresLeft;
    final AtomicInteger writes = new AtomicInteger();

    FlakyStore(int failures) {
      failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public void ping() {}

    @Override
    public void createSchema() {}

    @Override
    public void write(List<WindowUpdate> finalUpdates) {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new HistoryStoreException("ClickHouse at test: Connection refused");
      }
      writes.incrementAndGet();
      for (WindowUpdate update : finalUpdates) {
        // Keep the one with the most events, as the real store does.
        windows.merge(update.key(), update, (held, other) -> other.supersedes(held) ? other : held);
      }
    }

    @Override
    public List<WindowUpdate> windows(Resolution resolution, WindowQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RollupResult rollUp(long fromMillis, long toMillis) {
      throw new UnsupportedOperationException();
    }
  }

  private static WindowUpdate window(String geo, long start, long events, boolean isFinal) {
    Accumulator acc = Accumulator.create(AggregateFunction.COUNT);
    for (long i = 0; i < events; i++) {
      acc.add(1, null);
    }
    return new WindowUpdate(
        "views",
        1,
        AggregateFunction.COUNT,
        SPEC.groupBy(),
        List.of(geo),
        start,
        start + 60_000,
        acc.result(SPEC),
        events,
        isFinal ? Timing.ON_TIME : Timing.EARLY,
        isFinal,
        0,
        isFinal ? acc : null);
  }

  @Test
  void finalWindowsAreWrittenOnceTheStoreAnswersAndNothingIsLost() {
    String name = UUID.randomUUID().toString();
    FlakyStore store = new FlakyStore(5);
    STORES.put(name, store);
    List<WindowUpdate> finals = new ArrayList<>();
    List<WindowUpdate> input = new ArrayList<>();
    for (int minute = 0; minute < 20; minute++) {
      for (String geo : List.of("US", "CA", "FR")) {
        WindowUpdate last = window(geo, minute * 60_000L, minute + 1, true);
        finals.add(last);
        input.add(window(geo, minute * 60_000L, minute, false));
        input.add(last);
        input.add(last); // a duplicate pane, as a retried bundle sends it
      }
    }

    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    pipeline
        .apply(Create.of(input).withCoder(WindowUpdateCoder.of()))
        .apply(
            WriteToHistoryStore.to(() -> STORES.get(name))
                .withMaxBatchSize(20)
                .withMaxBatchDelay(Duration.ofMillis(10))
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(20)));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertThat(store.windows.values()).containsExactlyInAnyOrderElementsOf(finals);
    assertThat(SinkCounters.attempted(result, WriteToHistoryStore.class, "write_failures"))
        .isEqualTo(5);
    assertThat(SinkCounters.attempted(result, WriteToHistoryStore.class, "non_final_ignored"))
        .isEqualTo(finals.size());
    STORES.remove(name);
  }

  @Test
  void theBufferKeepsTheStepNameThatASavepointFindsItsStateBy() {
    Pipeline pipeline = Pipeline.create();
    pipeline
        .apply(Create.empty(WindowUpdateCoder.of()))
        .apply("WriteHistory", WriteToHistoryStore.to(() -> STORES.get("none")));
    List<String> steps = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            steps.add(node.getFullName());
            return CompositeBehavior.ENTER_TRANSFORM;
          }
        });
    assertThat(steps).contains("WriteHistory/BufferAndWrite");
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    BufferedBatchWrites.Settings settings =
        new BufferedBatchWrites.Settings(10, 0, 1, 10, 100, 1_000);
    assertThat(List.of(1, 2, 3, 4, 5, 50).stream().map(settings::backoffMillis).toList())
        .containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
  }
}
