package io.tally.pipelines.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.model.event.EventParser;
import io.tally.pipelines.synthetic.SyntheticEventSource.Position;
import io.tally.pipelines.synthetic.SyntheticEventSource.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class SyntheticEventSourceTest {

  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();

  private static final SyntheticSettings BOUNDED =
      SyntheticSettings.defaults().withCategories(100).withMaxEvents(10_000);

  @Test
  void splitsTogetherEmitTheWholeStreamWithEventTimestamps() throws Exception {
    SyntheticEvents events = SyntheticEvents.of(BOUNDED);
    List<SyntheticEventSource> splits = SyntheticEventSource.of(BOUNDED).split(3, OPTIONS);
    assertThat(splits).hasSize(3);
    assertThat(splits.get(1).split(5, OPTIONS)).containsExactly(splits.get(1));

    List<String> all = new ArrayList<>();
    for (SyntheticEventSource split : splits) {
      Reader reader = split.createReader(OPTIONS, null);
      long position = split.splitIndex();
      for (boolean more = reader.start(); more; more = reader.advance()) {
        assertThat(reader.getCurrent()).isEqualTo(events.json(position));
        assertThat(reader.getCurrentTimestamp().getMillis())
            .isEqualTo(EventParser.parse(reader.getCurrent()).timestampMillis());
        all.add(reader.getCurrent());
        position += 3;
      }
      assertThat(reader.getWatermark()).isEqualTo(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
    List<String> expected = new ArrayList<>();
    for (long i = 0; i < 10_000; i++) {
      expected.add(events.json(i));
    }
    Collections.sort(all);
    Collections.sort(expected);
    assertThat(all).isEqualTo(expected);
  }

  @Test
  void watermarkTrailsTheLargestEventTimeByTheDisorderAndNeverPassesOnTimeEvents()
      throws Exception {
    SyntheticSettings settings = BOUNDED.withMaxEvents(50_000).withMaxDisorderMillis(2_000);
    Reader reader =
        SyntheticEventSource.of(settings).split(2, OPTIONS).get(0).createReader(OPTIONS, null);
    long maxTimestamp = Long.MIN_VALUE;
    Instant watermark = reader.getWatermark();
    assertThat(watermark.getMillis()).isEqualTo(settings.startMillis() - 2_000);
    for (boolean more = reader.start(); more; more = reader.advance()) {
      long ts = reader.getCurrentTimestamp().getMillis();
      assertThat(ts).isGreaterThanOrEqualTo(watermark.getMillis());
      maxTimestamp = Math.max(maxTimestamp, ts);
      Instant next = reader.getWatermark();
      assertThat(next).isGreaterThanOrEqualTo(watermark);
      assertThat(next.getMillis()).isEqualTo(Math.max(watermark.getMillis(), maxTimestamp - 2_000));
      watermark = next;
    }
    assertThat(reader.getWatermark()).isEqualTo(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  @Test
  void restoredReaderContinuesWhereTheCheckpointStopped() throws Exception {
    SyntheticEventSource split = SyntheticEventSource.of(BOUNDED).split(2, OPTIONS).get(1);
    List<String> uninterrupted = new ArrayList<>();
    Reader whole = split.createReader(OPTIONS, null);
    for (boolean more = whole.start(); more; more = whole.advance()) {
      uninterrupted.add(whole.getCurrent());
    }

    List<String> resumed = new ArrayList<>();
    Reader first = split.createReader(OPTIONS, null);
    for (int i = 0; i < 1_234; i++) {
      assertThat(i == 0 ? first.start() : first.advance()).isTrue();
      resumed.add(first.getCurrent());
    }
    // Per the contract, every element returned before the mark is taken is covered by it.
    Position mark = first.getCheckpointMark();
    Instant watermarkBefore = first.getWatermark();
    first.close();
    byte[] bytes = CoderUtils.encodeToByteArray(split.getCheckpointMarkCoder(), mark);
    Position decoded = CoderUtils.decodeFromByteArray(split.getCheckpointMarkCoder(), bytes);
    assertThat(decoded).isEqualTo(mark);

    Reader second = split.createReader(OPTIONS, decoded);
    assertThat(second.getWatermark()).isGreaterThanOrEqualTo(watermarkBefore);
    for (boolean again = second.start(); again; again = second.advance()) {
      resumed.add(second.getCurrent());
    }
    assertThat(resumed).isEqualTo(uninterrupted);
  }

  @Test
  void liveModeIsRateLimitedAndItsWatermarkFollowsTheWallClockWhenIdle() throws Exception {
    // Before the settings: their schedule starts when they are made, and the bound below counts
    // from t0.
    long t0 = System.currentTimeMillis();
    SyntheticSettings settings = SyntheticSettings.live(1_000).withMaxDisorderMillis(500);
    List<SyntheticEventSource> splits = SyntheticEventSource.of(settings).split(2, OPTIONS);
    Reader reader = splits.get(0).createReader(OPTIONS, null);
    int[] read = {reader.start() ? 1 : 0};
    // Reads what is due until 100 events have come; a slow machine only makes it take longer.
    await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () -> {
              while (reader.advance()) {
                read[0]++;
                assertThat(reader.getCurrentTimestamp().getMillis())
                    .isBetween(t0 - 600, System.currentTimeMillis());
              }
              return read[0] >= 100;
            });
    long elapsed = System.currentTimeMillis() - t0;
    // 1,000/s over two splits: this one may never run ahead of 500/s (one event is due at once).
    assertThat(read[0]).isLessThanOrEqualTo((int) (elapsed / 2) + 2);
    long now = System.currentTimeMillis();
    assertThat(reader.getWatermark().getMillis()).isBetween(t0 - 600, now - 500);

    // A rate too low to emit anything in the next seconds: the watermark still advances.
    SyntheticSettings slow = SyntheticSettings.live(0.01).withMaxDisorderMillis(500);
    Reader idle = SyntheticEventSource.of(slow).createReader(OPTIONS, null);
    assertThat(idle.start()).isTrue(); // position 0 is due at once
    assertThat(idle.advance()).isFalse();
    Instant first = idle.getWatermark();
    await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> idle.getWatermark().isAfter(first));
    assertThat(idle.getWatermark().getMillis())
        .isGreaterThanOrEqualTo(first.getMillis())
        .isLessThanOrEqualTo(System.currentTimeMillis() - 500);
  }

  // ---------------------------------------------------------------------------------------------

  private static final Map<String, Queue<String>> COLLECTED = new ConcurrentHashMap<>();

  /** Records "json \t element timestamp" into {@link #COLLECTED} under its key. */
  private static final class Collect extends DoFn<String, Void> {
    private final String key;

    Collect(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element String json, @Timestamp Instant timestamp) {
      COLLECTED
          .computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>())
          .add(json + '\t' + timestamp.getMillis());
    }
  }

  @Test
  void directRunnerReadsABoundedSourceToTheEndWithEventTimestamps() throws Exception {
    SyntheticSettings settings =
        SyntheticSettings.defaults().withCategories(20).withMaxEvents(3_000);
    String key = "direct-" + System.nanoTime();
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    Pipeline p = Pipeline.create(options);
    p.apply(SyntheticEventSource.read(settings))
        .setCoder(StringUtf8Coder.of())
        .apply(ParDo.of(new Collect(key)));
    PipelineResult.State state = p.run().waitUntilFinish(Duration.standardMinutes(2));
    assertThat(state).isEqualTo(PipelineResult.State.DONE);

    SyntheticEvents events = SyntheticEvents.of(settings);
    List<String> expected = new ArrayList<>();
    for (long i = 0; i < 3_000; i++) {
      expected.add(events.json(i) + '\t' + events.timestampAt(i));
    }
    List<String> got = new ArrayList<>(COLLECTED.remove(key));
    Collections.sort(got);
    Collections.sort(expected);
    assertThat(got).hasSize(3_000).isEqualTo(expected);
  }
}
