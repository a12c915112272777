package io.tally.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** On the direct runner: a source reader's own metrics are kept apart, every record still flows. */
class QuietSourceReadersTest {
  private static final int RECORDS = 500;

  @Test
  void theReadersMetricsAreNotReportedAndEveryRecordArrives() {
    PipelineResult result = run(true);

    assertThat(counter(result, "read_by_reader")).isZero();
    assertThat(counter(result, "seen")).isEqualTo(RECORDS);
  }

  @Test
  void withoutItTheReadersMetricsAreReported() {
    PipelineResult result = run(false);

    assertThat(counter(result, "read_by_reader")).isGreaterThanOrEqualTo(RECORDS);
    assertThat(counter(result, "seen")).isEqualTo(RECORDS);
  }

  private static PipelineResult run(boolean quiet) {
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    pipeline.apply("Read", Read.from(new NumbersSource(RECORDS))).apply(ParDo.of(new SeenFn()));
    if (quiet) {
      QuietSourceReaders.apply(pipeline);
    }
    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return result;
  }

  private static long counter(PipelineResult result, String name) {
    return StreamSupport.stream(
            result
                .metrics()
                .queryMetrics(
                    MetricsFilter.builder()
                        .addNameFilter(MetricNameFilter.named(QuietSourceReadersTest.class, name))
                        .build())
                .getCounters()
                .spliterator(),
            false)
        .mapToLong(counter -> counter.getAttempted())
        .sum();
  }

  static final class SeenFn extends DoFn<Long, Void> {
    private final Counter seen = Metrics.counter(QuietSourceReadersTest.class, "seen");

    @ProcessElement
    public void process() {
      seen.inc();
    }
  }

  /** 0 … count-1, then its watermark ends; its reader counts what it reads, as Kafka's does. */
  static final class NumbersSource extends UnboundedSource<Long, NumbersSource.Mark> {
    private final long count;

    NumbersSource(long count) {
      this.count = count;
    }

    record Mark(long next) implements UnboundedSource.CheckpointMark, Serializable {
      @Override
      public void finalizeCheckpoint() {}
    }

    @Override
    public List<NumbersSource> split(int desiredNumSplits, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options, @Nullable Mark mark) {
      return new NumbersReader(this, mark == null ? 0 : mark.next());
    }

    @Override
    public Coder<Mark> getCheckpointMarkCoder() {
      return SerializableCoder.of(Mark.class);
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }

    private static final class NumbersReader extends UnboundedReader<Long> {
      private final Counter read = Metrics.counter(QuietSourceReadersTest.class, "read_by_reader");
      private final NumbersSource source;
      private long next;
      private long current = -1;

      NumbersReader(NumbersSource source, long next) {
        this.source = source;
        this.next = next;
      }

      @Override
      public boolean start() {
        return advance();
      }

      @Override
      public boolean advance() {
        if (next >= source.count) {
          return false;
        }
        read.inc();
        current = next++;
        return true;
      }

      @Override
      public Long getCurrent() {
        if (current < 0) {
          throw new NoSuchElementException();
        }
        return current;
      }

      @Override
      public Instant getCurrentTimestamp() {
        return new Instant(0);
      }

      @Override
      public Instant getWatermark() {
        return next >= source.count ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(0);
      }

      @Override
      public CheckpointMark getCheckpointMark() {
        return new Mark(next);
      }

      @Override
      public NumbersSource getCurrentSource() {
        return source;
      }

      @Override
      public void close() {}
    }
  }
}
