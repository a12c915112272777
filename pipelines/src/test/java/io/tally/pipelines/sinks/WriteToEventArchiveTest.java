package io.tally.pipelines.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.event.Event;
import io.tally.tiering.archive.EventArchive;
import io.tally.tiering.history.HistoryStoreException;
import io.tally.transforms.coders.EventCoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;

/**
 * The archive sink's batches and retries on the direct runner, against an archive that refuses its
 * first appends as an unreachable server does (the real server's case is BackfillIT, whose
 * streaming run archives every accepted event once).
 */
class WriteToEventArchiveTest {
  private static final Map<String, FlakyArchive> ARCHIVES = new ConcurrentHashMap<>();

  /** Keeps appended events by identity; refuses the first {@code failures} appends. */
  static final class FlakyArchive implements EventArchive {
    final Set<String> identities = ConcurrentHashMap.newKeySet();
    final List<Integer> batchSizes = new ArrayList<>();
    final AtomicInteger failuresLeft;

    FlakyArchive(int failures) {
      failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public void createSchema() {}

    @Override
    public synchronized void append(List<Event> events) {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new HistoryStoreException("ClickHouse at test: Connection refused");
      }
      batchSizes.add(events.size());
      events.forEach(event -> identities.add(event.identity()));
    }

    @Override
    public long count(long fromMillis, long toMillis) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long read(long fromMillis, long toMillis, ArchivedRecords into) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void everyEventIsAppendedOnceTheArchiveAnswersInBatchesOfAtMostTheMaximum() {
    String name = UUID.randomUUID().toString();
    FlakyArchive archive = new FlakyArchive(4);
    ARCHIVES.put(name, archive);
    List<Event> events = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Event event =
          new Event(
              "e" + i, "src-" + (i % 3), "view", "movies", 1_000L * i, "US", null, null, 1.0, null);
      events.add(event);
      expected.add(event.identity());
    }

    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    pipeline
        .apply(Create.of(events).withCoder(EventCoder.of()))
        .apply(
            WriteToEventArchive.to(() -> ARCHIVES.get(name))
                .withShards(4)
                .withMaxBatchSize(40)
                .withMaxBatchDelay(Duration.ofMillis(10))
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(20)));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertThat(archive.identities).isEqualTo(expected);
    assertThat(archive.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 40));
    assertThat(SinkCounters.attempted(result, WriteToEventArchive.class, "write_failures"))
        .isEqualTo(4);
    assertThat(SinkCounters.attempted(result, WriteToEventArchive.class, "events_archived"))
        .isGreaterThanOrEqualTo(events.size());
    ARCHIVES.remove(name);
  }
}
