package io.tally.transforms;

import static io.tally.transforms.TestEvents.at;
import static io.tally.transforms.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.transforms.latency.StageLag;
import io.tally.transforms.latency.StageLag.Point;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** Every point of the streaming core records the events that pass it, duplicates only once. */
class StageLagPointsTest {
  // One worker thread: a key's timers then fire in the instance that saw its events, which the
  // emitted point needs (its oldest pending event is kept in the instance, not in state).
  private final TestPipeline p =
      TestPipeline.fromOptions(oneThread()).enableAbandonedNodeEnforcement(false);

  private static PipelineOptions oneThread() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(1);
    return options;
  }

  @Test
  void eachPointRecordsWhatPassesIt() {
    TestStream<String> events =
        TestStream.create(StringUtf8Coder.of())
            .advanceWatermarkTo(at(0))
            .addElements(
                event("a").at(10).timestamped(),
                event("a").at(10).timestamped(), // a duplicate: read, not passed on
                event("b").at(20).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .addElements(event("c").at(30).timestamped())
            .advanceProcessingTime(Duration.millis(150))
            .advanceWatermarkToInfinity();
    p.apply(events)
        .apply(
            StreamingAggregation.of(
                    StreamingAggregationTest.catalog(StreamingAggregationTest.VIEWS))
                .withEarlyFiringDelay(Duration.millis(100)));

    StageLag.intervalLine();
    p.run().waitUntilFinish();
    Map<Point, Histogram> recorded = StageLag.parse(StageLag.intervalLine());

    // Other tests of this process may run pipelines meanwhile: at least these.
    assertThat(recorded.get(Point.READ).getTotalCount()).isGreaterThanOrEqualTo(4);
    assertThat(recorded.get(Point.DEDUPLICATED).getTotalCount()).isGreaterThanOrEqualTo(3);
    assertThat(recorded.get(Point.AGGREGATED).getTotalCount()).isGreaterThanOrEqualTo(3);
    // Two early updates: one for a and b, one for c.
    assertThat(recorded.get(Point.EMITTED).getTotalCount()).isGreaterThanOrEqualTo(2);
  }
}
