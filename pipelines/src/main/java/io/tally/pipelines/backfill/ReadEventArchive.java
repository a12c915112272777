package io.tally.pipelines.backfill;

import io.tally.tiering.archive.EventArchive;
import io.tally.tiering.archive.EventArchiveProvider;
import io.tally.transforms.metrics.JobCounter;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * The archived events of a time range, as raw records timestamped with their event time: the input
 * the streaming core expects. The range is cut into slices of event time that workers read in
 * parallel, each in one streaming query.
 *
 * <p>Bounded: the watermark stays before every event until all are read, so none is late.
 */
public final class ReadEventArchive extends PTransform<PBegin, PCollection<String>> {
  public static final long DEFAULT_SLICE_MILLIS = 3_600_000;

  private final EventArchiveProvider provider;
  private final TimeRange range;
  private final long sliceMillis;

  private ReadEventArchive(EventArchiveProvider provider, TimeRange range, long sliceMillis) {
    if (sliceMillis <= 0) {
      throw new IllegalArgumentException("slices must last more than 0 ms");
    }
    this.provider = provider;
    this.range = range;
    this.sliceMillis = sliceMillis;
  }

  public static ReadEventArchive of(EventArchiveProvider provider, TimeRange range) {
    return new ReadEventArchive(provider, range, DEFAULT_SLICE_MILLIS);
  }

  public ReadEventArchive withSliceMillis(long millis) {
    return new ReadEventArchive(provider, range, millis);
  }

  /** The starts of the slices; each slice ends at the next start or at the range's end. */
  List<Long> sliceStarts() {
    List<Long> starts = new ArrayList<>();
    for (long start = range.fromMillis(); start < range.toMillis(); start += sliceMillis) {
      starts.add(start);
    }
    return starts;
  }

  @Override
  public PCollection<String> expand(PBegin input) {
    return input
        .apply("Slices", Create.of(sliceStarts()).withCoder(VarLongCoder.of()))
        // Spread the slices over the workers before reading them.
        .apply("SpreadSlices", Reshuffle.viaRandomKey())
        .apply("ReadSlices", ParDo.of(new ReadSliceFn(provider, sliceMillis, range.toMillis())))
        .setCoder(StringUtf8Coder.of());
  }

  static final class ReadSliceFn extends DoFn<Long, String> {
    private final EventArchiveProvider provider;
    private final long sliceMillis;
    private final long endMillis;
    private final JobCounter read = JobCounter.of(ReadEventArchive.class, "archived_events_read");
    private transient EventArchive archive;

    ReadSliceFn(EventArchiveProvider provider, long sliceMillis, long endMillis) {
      this.provider = provider;
      this.sliceMillis = sliceMillis;
      this.endMillis = endMillis;
    }

    @Setup
    public void open() {
      archive = provider.open();
    }

    @Teardown
    public void close() {
      if (archive != null) {
        archive.close();
      }
    }

    @ProcessElement
    public void process(@Element Long start, OutputReceiver<String> out) {
      long n =
          archive.read(
              start,
              Math.min(endMillis, start + sliceMillis),
              (ts, json) -> out.outputWithTimestamp(json, new Instant(ts)));
      read.inc(n);
    }
  }
}
