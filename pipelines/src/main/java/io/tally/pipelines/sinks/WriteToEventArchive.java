package io.tally.pipelines.sinks;

import io.tally.model.event.Event;
import io.tally.pipelines.ArchiveOptions;
import io.tally.tiering.archive.ClickHouseEventArchive;
import io.tally.tiering.archive.EventArchive;
import io.tally.tiering.archive.EventArchiveProvider;
import io.tally.tiering.history.ClickHouseConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Appends de-duplicated events to the raw event archive, one request per {@link
 * #DEFAULT_MAX_BATCH_SIZE} events and at the end of every bundle. A failed append fails the bundle,
 * which the runner retries (or restores from a checkpoint): an accepted event is never left out of
 * the archive, and one appended twice is still one event to a replay.
 */
public final class WriteToEventArchive extends PTransform<PCollection<Event>, PDone> {
  public static final int DEFAULT_MAX_BATCH_SIZE = 10_000;

  private final EventArchiveProvider provider;

  private WriteToEventArchive(EventArchiveProvider provider) {
    this.provider = provider;
  }

  public static WriteToEventArchive to(EventArchiveProvider provider) {
    return new WriteToEventArchive(provider);
  }

  /** The archive the options name, or null when they name none. */
  public static WriteToEventArchive of(ArchiveOptions options) {
    if (options.getArchiveJdbcUrl() == null) {
      return null;
    }
    ClickHouseConfig config =
        ClickHouseConfig.of(options.getArchiveJdbcUrl(), options.getArchiveDatabase());
    return to(() -> new ClickHouseEventArchive(config));
  }

  @Override
  public PDone expand(PCollection<Event> events) {
    events.apply("AppendEvents", ParDo.of(new AppendFn(provider)));
    return PDone.in(events.getPipeline());
  }

  static final class AppendFn extends DoFn<Event, Void> {
    private final EventArchiveProvider provider;
    private final Counter archived = Metrics.counter(WriteToEventArchive.class, "events_archived");
    private transient EventArchive archive;
    private transient List<Event> buffer;

    AppendFn(EventArchiveProvider provider) {
      this.provider = provider;
    }

    @Setup
    public void open() {
      archive = provider.open();
      // Once per worker instance, so the archive needs no set-up step of its own.
      archive.createSchema();
      buffer = new ArrayList<>();
    }

    @Teardown
    public void close() {
      if (archive != null) {
        archive.close();
      }
    }

    @StartBundle
    public void startBundle() {
      // What a failed bundle left behind is appended when that bundle is retried.
      buffer.clear();
    }

    @ProcessElement
    public void process(@Element Event event) {
      buffer.add(event);
      if (buffer.size() >= DEFAULT_MAX_BATCH_SIZE) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() {
      flush();
    }

    private void flush() {
      if (buffer.isEmpty()) {
        return;
      }
      archive.append(List.copyOf(buffer));
      archived.inc(buffer.size());
      buffer.clear();
    }
  }
}
