package io.tally.pipelines;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Keeps the Beam metrics that unbounded sources' readers record (Kafka's records and bytes read per
 * partition, a size distribution per partition, backlogs) to the readers themselves.
 *
 * <p>The Flink runner copies every metric of a source's step into Flink's metric groups after each
 * record a reader returns, rebuilding the step's metric results each time. With a dozen metrics
 * from Kafka's reader, metrics took 45% of the CPU of a pipeline that only reads and parses, and
 * turning all of them off ({@code --disableMetrics}) raised the production pipeline's throughput by
 * a fifth (docs/benchmarks.md). An embedded streaming job now runs with them off and reports its
 * counters without Beam ({@code JobCounter}); this matters where Beam's metrics stay on (a job on a
 * Flink cluster, {@code --disableMetrics=false}). {@link #apply} wraps each unbounded read's source
 * so that its readers record into a container of their own, which nothing reports: the step has no
 * metric left to copy. Flink still counts the source's records and backlog bytes itself ({@code
 * numRecordsIn}, {@code pendingBytes}), and every metric of Tally's own steps is reported as
 * before.
 *
 * <p>The read keeps its name, and with it the id under which Flink keeps the source's state.
 */
public final class QuietSourceReaders {

  private QuietSourceReaders() {}

  /** Wraps the source of every unbounded read of {@code pipeline}; call once it is built. */
  public static void apply(Pipeline pipeline) {
    pipeline.replaceAll(
        List.of(
            PTransformOverride.of(
                application ->
                    PTransformMatchers.classEqualTo(Read.Unbounded.class).matches(application)
                        && !(((Read.Unbounded<?>) application.getTransform()).getSource()
                            instanceof QuietSource),
                new QuietReadFactory<>())));
  }

  private static final class QuietReadFactory<T>
      implements PTransformOverrideFactory<PBegin, PCollection<T>, Read.Unbounded<T>> {
    @Override
    public PTransformReplacement<PBegin, PCollection<T>> getReplacementTransform(
        AppliedPTransform<PBegin, PCollection<T>, Read.Unbounded<T>> transform) {
      return PTransformReplacement.of(
          transform.getPipeline().begin(),
          Read.from(new QuietSource<>(transform.getTransform().getSource())));
    }

    @Override
    public Map<PCollection<?>, ReplacementOutput> mapOutputs(
        Map<TupleTag<?>, PCollection<?>> outputs, PCollection<T> newOutput) {
      return ReplacementOutputs.singleton(outputs, newOutput);
    }
  }

  /** A source whose readers record their metrics apart; everything else is the wrapped source's. */
  static final class QuietSource<T, C extends UnboundedSource.CheckpointMark>
      extends UnboundedSource<T, C> {
    private final UnboundedSource<T, C> source;

    QuietSource(UnboundedSource<T, C> source) {
      this.source = source;
    }

    @Override
    public List<QuietSource<T, C>> split(int desiredNumSplits, PipelineOptions options)
        throws Exception {
      return source.split(desiredNumSplits, options).stream()
          .map(split -> new QuietSource<T, C>(split))
          .collect(Collectors.toList());
    }

    @Override
    public UnboundedReader<T> createReader(PipelineOptions options, @Nullable C checkpointMark)
        throws IOException {
      return new QuietReader<>(this, source.createReader(options, checkpointMark));
    }

    @Override
    public Coder<C> getCheckpointMarkCoder() {
      return source.getCheckpointMarkCoder();
    }

    @Override
    public boolean requiresDeduping() {
      return source.requiresDeduping();
    }

    @Override
    public Coder<T> getOutputCoder() {
      return source.getOutputCoder();
    }

    @Override
    public void validate() {
      source.validate();
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      source.populateDisplayData(builder);
    }
  }

  /** Runs the wrapped reader's calls that read within a metrics container of its own. */
  static final class QuietReader<T> extends UnboundedSource.UnboundedReader<T> {
    private final QuietSource<T, ?> source;
    private final UnboundedSource.UnboundedReader<T> reader;
    private final MetricsContainer own;

    QuietReader(QuietSource<T, ?> source, UnboundedSource.UnboundedReader<T> reader) {
      this.source = source;
      this.reader = reader;
      this.own = new MetricsContainerImpl("quiet-reader");
    }

    @Override
    public boolean start() throws IOException {
      try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(own)) {
        return reader.start();
      }
    }

    @Override
    public boolean advance() throws IOException {
      try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(own)) {
        return reader.advance();
      }
    }

    @Override
    public T getCurrent() throws NoSuchElementException {
      return reader.getCurrent();
    }

    @Override
    public Instant getCurrentTimestamp() throws NoSuchElementException {
      return reader.getCurrentTimestamp();
    }

    @Override
    public byte[] getCurrentRecordId() throws NoSuchElementException {
      return reader.getCurrentRecordId();
    }

    @Override
    public Instant getWatermark() {
      return reader.getWatermark();
    }

    @Override
    public UnboundedSource.CheckpointMark getCheckpointMark() {
      return reader.getCheckpointMark();
    }

    @Override
    public long getSplitBacklogBytes() {
      return reader.getSplitBacklogBytes();
    }

    @Override
    public long getTotalBacklogBytes() {
      return reader.getTotalBacklogBytes();
    }

    @Override
    public QuietSource<T, ?> getCurrentSource() {
      return source;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
