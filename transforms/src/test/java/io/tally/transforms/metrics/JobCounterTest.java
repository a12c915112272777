package io.tally.transforms.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

/** A job counter counts in its JVM, is seen by watchers, and is a Beam counter in a Beam step. */
class JobCounterTest {

  /** A namespace of the calling test alone: counts are the JVM's. */
  private static String namespace() {
    return "test." + System.nanoTime();
  }

  @Test
  void countsInThisJvmAcrossCopiesOutsideAnyStep() {
    String namespace = namespace();
    JobCounter counter = JobCounter.of(namespace, "seen");
    counter.inc();
    counter.inc(4);
    // A step's copy (deserialized on a worker) adds to the same count.
    SerializableUtils.clone(counter).inc(2);

    assertThat(counter.count()).isEqualTo(7);
    assertThat(JobCounter.of(namespace, "seen").count()).isEqualTo(7);
    assertThat(JobCounter.of(namespace, "other").count()).isZero();
  }

  @Test
  void watchersSeeTheCountersThatExistAndThoseThatStartUntilTheyStopWatching() {
    String namespace = namespace();
    JobCounter.of(namespace, "before").inc(3);
    Map<MetricName, LongAdder> seen = new ConcurrentHashMap<>();
    BiConsumer<MetricName, LongAdder> watcher = seen::put;

    JobCounter.watch(watcher);
    JobCounter.of(namespace, "after").inc(5);
    JobCounter.unwatch(watcher);
    JobCounter.of(namespace, "unwatched").inc();

    assertThat(seen.get(MetricName.named(namespace, "before")).sum()).isEqualTo(3);
    assertThat(seen.get(MetricName.named(namespace, "after")).sum()).isEqualTo(5);
    assertThat(seen).doesNotContainKey(MetricName.named(namespace, "unwatched"));
  }

  @Test
  void inAStepWhoseMetricsBeamCollectsItIsABeamCounterToo() {
    String namespace = namespace();
    JobCounter counter = JobCounter.of(namespace, "elements");
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    pipeline.apply(Create.of(List.of(1, 2, 3, 4))).apply(ParDo.of(new CountFn(counter)));
    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);

    long beams = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace, "elements"))
                    .build())
            .getCounters()) {
      beams += c.getAttempted();
    }
    assertThat(beams).isEqualTo(4);
    assertThat(counter.count()).isEqualTo(4);
  }

  private static final class CountFn extends DoFn<Integer, Void> {
    private final JobCounter counter;

    CountFn(JobCounter counter) {
      this.counter = counter;
    }

    @ProcessElement
    public void process() {
      counter.inc();
    }
  }
}
