package io.tally.pipelines.sinks;

import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.aerospike.AerospikeAsyncWriter;
import io.tally.tiering.hot.aerospike.AerospikeConfig;
import io.tally.transforms.metrics.JobCounter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes window updates to the Aerospike hot tier with the asynchronous client, at most {@code
 * maxInFlight} unanswered per worker ({@link AerospikeAsyncWriter}). A bundle finishes only once
 * all its writes are answered; a failure fails the bundle, which the runner retries whole. Retried
 * and replayed writes change nothing: the server applies an update only if it has more events than
 * the stored window.
 *
 * <p>The password is read on the workers from {@code AEROSPIKE_PASSWORD}, so that it travels in no
 * serialized pipeline and no command line.
 *
 * <p>Not run against an Aerospike server in this repository's build (none can run there).
 */
public final class WriteToAerospike extends PTransform<PCollection<WindowUpdate>, PDone> {
  private final AerospikeConfig config;
  private final int maxInFlight;

  private WriteToAerospike(AerospikeConfig config, int maxInFlight) {
    this.config = config;
    this.maxInFlight = maxInFlight;
  }

  public static WriteToAerospike to(AerospikeConfig config, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("at least one write must be allowed in flight");
    }
    return new WriteToAerospike(config, maxInFlight);
  }

  @Override
  public PDone expand(PCollection<WindowUpdate> updates) {
    updates.apply("ApplyToAerospike", ParDo.of(new WriteFn(config, maxInFlight)));
    return PDone.in(updates.getPipeline());
  }

  static final class WriteFn extends DoFn<WindowUpdate, Void> {
    private final AerospikeConfig config;
    private final int maxInFlight;
    private final JobCounter written = JobCounter.of(WriteToAerospike.class, "updates_sent");
    private transient AerospikeAsyncWriter writer;

    WriteFn(AerospikeConfig config, int maxInFlight) {
      this.config = config;
      this.maxInFlight = maxInFlight;
    }

    @Setup
    public void connect() {
      String password = System.getenv("AEROSPIKE_PASSWORD");
      writer = AerospikeAsyncWriter.connect(config.withPassword(password), maxInFlight);
    }

    @ProcessElement
    public void process(@Element WindowUpdate update) throws InterruptedException {
      writer.write(update);
      written.inc();
    }

    @FinishBundle
    public void finishBundle() throws InterruptedException {
      writer.flush();
    }

    @Teardown
    public void close() throws Exception {
      if (writer != null) {
        writer.close();
      }
    }
  }
}
