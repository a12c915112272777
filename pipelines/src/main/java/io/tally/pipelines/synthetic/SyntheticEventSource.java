package io.tally.pipelines.synthetic;

import io.tally.pipelines.synthetic.SyntheticSettings.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * {@link SyntheticEvents} as a Beam unbounded source: JSON strings whose element timestamp is the
 * event's {@code ts}.
 *
 * <p><b>Sub-streams.</b> {@link #split} makes N deterministic sub-streams: sub-stream {@code k}
 * emits positions {@code k, k+N, k+2N, …}, so together they emit exactly the generator's stream
 * whatever N is. In LIVE mode each position is due at its event-clock instant, which limits every
 * sub-stream to its share of the rate.
 *
 * <p><b>Watermark.</b> The largest event time emitted so far minus {@code maxDisorderMillis}. In
 * LIVE mode it also follows the wall clock: every future on-time event of a sub-stream has a time
 * of at least {@code min(now, due time of its next position) - maxDisorderMillis}, so a sub-stream
 * with nothing due (idle, or a rate too low to fill it) still advances. Late events ({@link
 * SyntheticSettings#lateShare}) fall behind it on purpose. When the stream is bounded ({@link
 * SyntheticSettings#maxEvents}), a sub-stream that has emitted its last position moves its
 * watermark to {@link BoundedWindow#TIMESTAMP_MAX_VALUE}, so runners finish the pipeline.
 *
 * <p><b>Checkpoints.</b> The mark is the sub-stream's next position and the largest event time
 * emitted, so a reader restored from it continues exactly where the checkpointed one stopped, with
 * a watermark that never goes back. Nothing has to be acknowledged.
 */
public final class SyntheticEventSource
    extends UnboundedSource<String, SyntheticEventSource.Position> {

  private static final long serialVersionUID = 1L;

  private final SyntheticSettings settings;
  private final int splitIndex;
  private final int numSplits;

  private SyntheticEventSource(SyntheticSettings settings, int splitIndex, int numSplits) {
    this.settings = settings;
    this.splitIndex = splitIndex;
    this.numSplits = numSplits;
  }

  /**
   * A source of the whole stream. A LIVE setting without a start is anchored now, here, so every
   * sub-stream (on every worker) shares one schedule.
   */
  public static SyntheticEventSource of(SyntheticSettings settings) {
    return new SyntheticEventSource(settings.anchoredAt(System.currentTimeMillis()), 0, 1);
  }

  /** {@code Read.from(SyntheticEventSource.of(settings))}, as a source transform. */
  public static PTransform<PBegin, PCollection<String>> read(SyntheticSettings settings) {
    return Read.from(of(settings));
  }

  public SyntheticSettings settings() {
    return settings;
  }

  public int splitIndex() {
    return splitIndex;
  }

  public int numSplits() {
    return numSplits;
  }

  /**
   * Splits the whole stream into {@code desiredNumSplits} sub-streams (at least one); a sub-stream
   * is not split further.
   */
  @Override
  public List<SyntheticEventSource> split(int desiredNumSplits, PipelineOptions options) {
    if (numSplits > 1) {
      return List.of(this);
    }
    int n = Math.max(1, desiredNumSplits);
    List<SyntheticEventSource> splits = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      splits.add(new SyntheticEventSource(settings, k, n));
    }
    return splits;
  }

  @Override
  public Reader createReader(PipelineOptions options, Position checkpointMark) {
    return new Reader(this, checkpointMark);
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return PositionCoder.INSTANCE;
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  @Override
  public boolean requiresDeduping() {
    return false;
  }

  @Override
  public String toString() {
    return "SyntheticEventSource[seed="
        + settings.seed()
        + ", split "
        + splitIndex
        + "/"
        + numSplits
        + ", "
        + settings.clock()
        + "]";
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A sub-stream's checkpoint: its next position and the largest event time it has emitted ({@link
   * Long#MIN_VALUE} when none).
   */
  public record Position(int splitIndex, long nextIndex, long maxTimestampMillis)
      implements UnboundedSource.CheckpointMark {

    @Override
    public void finalizeCheckpoint() {
      // Generated data needs no acknowledgement.
    }
  }

  /** Encodes a {@link Position} as varints. */
  static final class PositionCoder extends AtomicCoder<Position> {
    static final PositionCoder INSTANCE = new PositionCoder();
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Position value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.splitIndex(), out);
      VarLongCoder.of().encode(value.nextIndex(), out);
      VarLongCoder.of().encode(value.maxTimestampMillis(), out);
    }

    @Override
    public Position decode(InputStream in) throws IOException {
      return new Position(
          VarIntCoder.of().decode(in), VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  // ---------------------------------------------------------------------------------------------

  /** Reads one sub-stream. */
  public static final class Reader extends UnboundedSource.UnboundedReader<String> {
    private final SyntheticEventSource source;
    private final SyntheticEvents events;
    private final boolean live;
    private final long maxDisorder;
    private final long end;
    private final StringBuilder buffer = new StringBuilder(320);

    private long nextIndex;
    private long maxTimestamp;
    private long watermark = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
    private String current;
    private long currentTimestamp;

    /** Set once asked for more after the last position: only then the watermark ends. */
    private boolean exhausted;

    Reader(SyntheticEventSource source, Position mark) {
      this.source = source;
      SyntheticSettings settings = source.settings;
      this.events = new SyntheticEvents(settings);
      this.live = settings.clock() == Clock.LIVE;
      this.maxDisorder = settings.maxDisorderMillis();
      this.end = settings.bounded() ? settings.maxEvents() : Long.MAX_VALUE;
      if (mark != null && mark.splitIndex() == source.splitIndex) {
        this.nextIndex = mark.nextIndex();
        this.maxTimestamp = mark.maxTimestampMillis();
      } else {
        this.nextIndex = source.splitIndex;
        this.maxTimestamp = Long.MIN_VALUE;
      }
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (nextIndex >= end) {
        current = null;
        exhausted = true;
        return false;
      }
      if (live && events.clockAt(nextIndex) > System.currentTimeMillis()) {
        // Not due yet: this is the rate limit. The runner polls again.
        current = null;
        return false;
      }
      buffer.setLength(0);
      currentTimestamp = events.appendJsonReturningTimestamp(nextIndex, buffer);
      current = buffer.toString();
      if (currentTimestamp > maxTimestamp) {
        maxTimestamp = currentTimestamp;
      }
      nextIndex += source.numSplits;
      return true;
    }

    /** Whether this sub-stream has emitted its last position and was asked for more. */
    public boolean finished() {
      return exhausted;
    }

    @Override
    public String getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return new Instant(currentTimestamp);
    }

    @Override
    public Instant getWatermark() {
      if (finished()) {
        return BoundedWindow.TIMESTAMP_MAX_VALUE;
      }
      long candidate;
      if (maxTimestamp != Long.MIN_VALUE) {
        candidate = maxTimestamp - maxDisorder;
      } else if (live) {
        candidate = Long.MIN_VALUE;
      } else {
        // Nothing emitted yet: the first position is still a valid lower bound.
        candidate = events.clockAt(nextIndex) - maxDisorder;
      }
      if (live) {
        long now = System.currentTimeMillis();
        candidate = Math.max(candidate, Math.min(now, events.clockAt(nextIndex)) - maxDisorder);
      }
      if (candidate > watermark) {
        watermark = Math.min(candidate, BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis() - 1);
      }
      return new Instant(watermark);
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(source.splitIndex, nextIndex, maxTimestamp);
    }

    @Override
    public SyntheticEventSource getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }
}
